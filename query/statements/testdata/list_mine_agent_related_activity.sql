SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = 'acme'
  AND kind = 'agent'
  AND key = 'mbox:mailto:ann@example.com'
  AND authority_key = 'account:http://lrs|k1'
  AND via_authority_key = 'account:http://lrs|k1'
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
  AND (id, via) IN (
    SELECT id, via
    FROM `lrs`.`statement_index`
    WHERE tenant = 'acme'
      AND kind IN ('activity', 'related_activity')
      AND key = 'http://example.com/act/1'
      AND authority_key = 'account:http://lrs|k1'
      AND via_authority_key = 'account:http://lrs|k1'
      AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
  )
ORDER BY stored DESC, id DESC
LIMIT 22
