SELECT id, stored, raw
FROM `lrs`.`statements`
WHERE tenant = 'acme'
  AND stored IN (fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC'), fromUnixTimestamp64Milli(toInt64(1709294399500), 'UTC'))
  AND has(arrayMap(x -> toUUID(x), splitByChar(',', '6690e6c9-3ef0-4ed3-8b37-7f3964730bee,0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11')), id)
