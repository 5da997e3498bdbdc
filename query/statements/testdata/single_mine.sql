SELECT id, stored, raw,
       (SELECT count() FROM `lrs`.statement_index WHERE tenant = {tenant:String} AND kind = 'voids' AND key = {key:String}) > 0 AS voided
FROM `lrs`.statements
WHERE tenant = {tenant:String}
  AND stored IN (SELECT stored FROM `lrs`.statement_ids WHERE tenant = {tenant:String} AND id = {id:UUID})
  AND id = {id:UUID}
  AND id IN (SELECT id FROM `lrs`.statement_index WHERE tenant = {tenant:String} AND kind = 'authority' AND key = {authority:String} AND stored IN (SELECT stored FROM `lrs`.statement_ids WHERE tenant = {tenant:String} AND id = {id:UUID}) AND id = {id:UUID})
LIMIT 1
-- tenant: "acme"
-- id: 6690e6c9-3ef0-4ed3-8b37-7f3964730bee
-- key: "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"
-- authority: "account:http://lrs|k1"
