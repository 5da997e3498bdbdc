SELECT id, stored, raw, false AS voided
FROM `lrs`.`statements`
WHERE tenant = 'acme'
  AND stored IN (SELECT stored FROM `lrs`.`statement_ids` WHERE tenant = 'acme' AND id IN ('6690e6c9-3ef0-4ed3-8b37-7f3964730bee'))
  AND id IN ('6690e6c9-3ef0-4ed3-8b37-7f3964730bee')
LIMIT 1 BY id
