SELECT id, stored, raw, id IN (SELECT toUUID(key) FROM `lrs`.statement_index WHERE tenant = {tenant:String} AND kind = 'voids' AND key IN {keys:Array(String)}) AS voided
FROM `lrs`.statements
WHERE tenant = {tenant:String}
  AND stored IN (SELECT stored FROM `lrs`.statement_ids WHERE tenant = {tenant:String} AND id IN {ids:Array(UUID)})
  AND id IN {ids:Array(UUID)}
LIMIT 1 BY id
-- tenant: "acme"
-- ids: [6690e6c9-3ef0-4ed3-8b37-7f3964730bee 0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11]
-- keys: [6690e6c9-3ef0-4ed3-8b37-7f3964730bee 0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11]
