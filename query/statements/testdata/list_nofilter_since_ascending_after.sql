SELECT stored, id
FROM `lrs`.`statements`
WHERE tenant = 'acme'
  AND stored >= fromUnixTimestamp64Milli(toInt64(1709290800123), 'UTC')
  AND (stored > fromUnixTimestamp64Milli(toInt64(1709290800123), 'UTC') OR id > toUUID('00000000-0000-4000-8000-000000000042'))
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
ORDER BY stored ASC, id ASC
LIMIT 22
