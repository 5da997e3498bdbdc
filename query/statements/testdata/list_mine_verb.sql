SELECT id, stored, raw
FROM `lrs`.`statements`
WHERE tenant = 'acme'
  AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
  AND (stored, id) IN (
    SELECT DISTINCT stored, id
    FROM `lrs`.`statement_index`
    WHERE tenant = 'acme'
      AND kind = 'verb'
      AND key = 'http://adlnet.gov/expapi/verbs/completed'
      AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
      AND id IN (SELECT id FROM `lrs`.`statement_index` WHERE tenant = 'acme' AND kind = 'authority' AND key = 'account:http://lrs|k1')
      AND id NOT IN (SELECT toUUID(key) FROM `lrs`.`statement_index` WHERE tenant = 'acme' AND kind = 'voids')
    ORDER BY stored DESC, id DESC
    LIMIT 11
  )
ORDER BY stored DESC, id DESC
LIMIT 1 BY id
LIMIT 11
