SELECT id, stored, raw, id IN (SELECT toUUID(key) FROM `lrs`.`statement_index` WHERE tenant = 'acme' AND kind = 'voids' AND key IN ('6690e6c9-3ef0-4ed3-8b37-7f3964730bee', '0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11')) AS voided
FROM `lrs`.`statements`
WHERE tenant = 'acme'
  AND stored IN (SELECT stored FROM `lrs`.`statement_ids` WHERE tenant = 'acme' AND id IN ('6690e6c9-3ef0-4ed3-8b37-7f3964730bee', '0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11'))
  AND id IN ('6690e6c9-3ef0-4ed3-8b37-7f3964730bee', '0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11')
LIMIT 1 BY id
