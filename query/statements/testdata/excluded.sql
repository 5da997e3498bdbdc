SELECT toUUID(key) AS id
FROM `lrs`.statement_index
WHERE tenant = {tenant:String}
  AND kind = 'voids'
  AND key IN {ids:Array(String)}
-- tenant: "acme"
-- ids: [6690e6c9-3ef0-4ed3-8b37-7f3964730bee 0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11]
