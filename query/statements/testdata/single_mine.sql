SELECT id, stored, raw,
       (SELECT count() FROM `lrs`.`statement_index` WHERE tenant = 'acme' AND kind = 'voids' AND key = '6690e6c9-3ef0-4ed3-8b37-7f3964730bee') > 0 AS voided
FROM `lrs`.`statements`
WHERE tenant = 'acme'
  AND stored IN (SELECT stored FROM `lrs`.`statement_ids` WHERE tenant = 'acme' AND id = toUUID('6690e6c9-3ef0-4ed3-8b37-7f3964730bee'))
  AND id = toUUID('6690e6c9-3ef0-4ed3-8b37-7f3964730bee')
  AND id IN (SELECT id FROM `lrs`.`statement_index` WHERE tenant = 'acme' AND kind = 'authority' AND key = 'account:http://lrs|k1' AND stored IN (SELECT stored FROM `lrs`.`statement_ids` WHERE tenant = 'acme' AND id = toUUID('6690e6c9-3ef0-4ed3-8b37-7f3964730bee')) AND id = toUUID('6690e6c9-3ef0-4ed3-8b37-7f3964730bee'))
LIMIT 1
