SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = 'acme'
  AND kind = 'verb'
  AND key = 'http://adlnet.gov/expapi/verbs/completed'
  AND authority_key = 'account:http://lrs|k1'
  AND via_authority_key = 'account:http://lrs|k1'
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
ORDER BY stored DESC, id DESC
LIMIT 22
