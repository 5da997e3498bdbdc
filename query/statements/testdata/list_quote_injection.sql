SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = 'acme'
  AND kind = 'verb'
  AND key = 'http://x/\'); DROP TABLE t; --\\'
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
ORDER BY stored DESC, id DESC
LIMIT 22
