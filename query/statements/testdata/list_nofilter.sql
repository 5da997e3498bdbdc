SELECT stored, id
FROM `lrs`.`statements`
WHERE tenant = 'acme'
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
ORDER BY stored DESC, id DESC
LIMIT 22
