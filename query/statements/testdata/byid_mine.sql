SELECT id, stored, raw, id IN (SELECT toUUID(key) FROM `lrs`.statement_index WHERE tenant = {tenant:String} AND kind = 'voids' AND key IN {keys:Array(String)}) AS voided
FROM `lrs`.statements
WHERE tenant = {tenant:String}
  AND stored IN (SELECT stored FROM `lrs`.statement_ids WHERE tenant = {tenant:String} AND id IN {ids:Array(UUID)})
  AND id IN {ids:Array(UUID)}
  AND id IN (SELECT id FROM `lrs`.statement_index WHERE tenant = {tenant:String} AND kind = 'authority' AND key = {authority:String} AND stored IN (SELECT stored FROM `lrs`.statement_ids WHERE tenant = {tenant:String} AND id IN {ids:Array(UUID)}) AND id IN {ids:Array(UUID)})
LIMIT 1 BY id
-- tenant: "acme"
-- ids: [6690e6c9-3ef0-4ed3-8b37-7f3964730bee]
-- keys: [6690e6c9-3ef0-4ed3-8b37-7f3964730bee]
-- authority: "account:http://lrs|k1"
