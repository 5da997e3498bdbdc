SELECT stored, id
FROM
(
    (
        SELECT stored, id
        FROM `lrs`.`statement_index`
        WHERE tenant = 'acme'
          AND kind = 'activity'
          AND key = 'http://example.com/act/1'
          AND authority_key = 'account:http://lrs|k1'
          AND via_authority_key = 'account:http://lrs|k1'
          AND stored >= fromUnixTimestamp64Milli(toInt64(1709290800123), 'UTC')
          AND (stored > fromUnixTimestamp64Milli(toInt64(1709290800123), 'UTC') OR id > toUUID('00000000-0000-4000-8000-000000000042'))
          AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
        ORDER BY stored ASC, id ASC
        LIMIT 22
    )
    UNION ALL
    (
        SELECT stored, id
        FROM `lrs`.`statement_index`
        WHERE tenant = 'acme'
          AND kind = 'related_activity'
          AND key = 'http://example.com/act/1'
          AND authority_key = 'account:http://lrs|k1'
          AND via_authority_key = 'account:http://lrs|k1'
          AND stored >= fromUnixTimestamp64Milli(toInt64(1709290800123), 'UTC')
          AND (stored > fromUnixTimestamp64Milli(toInt64(1709290800123), 'UTC') OR id > toUUID('00000000-0000-4000-8000-000000000042'))
          AND stored <= fromUnixTimestamp64Milli(toInt64(1709294400500), 'UTC')
        ORDER BY stored ASC, id ASC
        LIMIT 22
    )
)
ORDER BY stored ASC, id ASC
LIMIT 22
