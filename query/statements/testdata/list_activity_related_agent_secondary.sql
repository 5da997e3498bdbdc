SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = 'acme'
  AND kind = 'registration'
  AND key = 'ff0e2c8a-0b4d-4c1a-9d8e-3c5a6f7b8c9d'
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
  AND (id, via) IN (
    SELECT id, via
    FROM `lrs`.`statement_index`
    WHERE tenant = 'acme'
      AND kind IN ('agent', 'related_agent')
      AND key = 'mbox:mailto:ann@example.com'
      AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
  )
ORDER BY stored DESC, id DESC
LIMIT 22
