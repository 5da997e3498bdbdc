SELECT toUUID(key) AS id
FROM `lrs`.`statement_index`
WHERE tenant = 'acme'
  AND kind = 'voids'
  AND has(splitByChar(',', '6690e6c9-3ef0-4ed3-8b37-7f3964730bee,0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11'), key)
