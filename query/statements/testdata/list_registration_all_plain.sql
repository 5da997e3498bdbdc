SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = 'acme'
  AND kind = 'registration'
  AND key = 'ff0e2c8a-0b4d-4c1a-9d8e-3c5a6f7b8c9d'
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
  AND has(agents, 'mbox:mailto:ann@example.com')
  AND object_id = 'http://example.com/act/1'
  AND verb = 'http://adlnet.gov/expapi/verbs/completed'
ORDER BY stored DESC, id DESC
LIMIT 22
