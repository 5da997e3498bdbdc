SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = 'acme'
  AND kind = 'agent'
  AND key = 'mbox:mailto:ann@example.com'
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709290800123), 'UTC')
  AND (stored < fromUnixTimestamp64Milli(toInt64(1709290800123), 'UTC') OR id < toUUID('00000000-0000-4000-8000-000000000042'))
ORDER BY stored DESC, id DESC
LIMIT 22
