SELECT id, stored, raw, false AS voided
FROM `lrs`.statements
WHERE tenant = {tenant:String}
  AND stored IN (SELECT stored FROM `lrs`.statement_ids WHERE tenant = {tenant:String} AND id IN {ids:Array(UUID)})
  AND id IN {ids:Array(UUID)}
LIMIT 1 BY id
-- tenant: "acme"
-- ids: [6690e6c9-3ef0-4ed3-8b37-7f3964730bee]
