SELECT stored, id
FROM
(
    (
        SELECT stored, id
        FROM `lrs`.`statement_index`
        WHERE tenant = {tenant:String}
          AND kind = {p7:String}
          AND key = {p8:String}
          AND authority_key = {p2:String}
          AND via_authority_key = {p2:String}
          AND stored >= fromUnixTimestamp64Milli({p5:Int64}, 'UTC')
          AND (stored > fromUnixTimestamp64Milli({p5:Int64}, 'UTC') OR id > {p6:UUID})
          AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
        ORDER BY stored ASC, id ASC
        LIMIT {p3:UInt64}
    )
    UNION ALL
    (
        SELECT stored, id
        FROM `lrs`.`statement_index`
        WHERE tenant = {tenant:String}
          AND kind = {p9:String}
          AND key = {p10:String}
          AND authority_key = {p2:String}
          AND via_authority_key = {p2:String}
          AND stored >= fromUnixTimestamp64Milli({p5:Int64}, 'UTC')
          AND (stored > fromUnixTimestamp64Milli({p5:Int64}, 'UTC') OR id > {p6:UUID})
          AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
        ORDER BY stored ASC, id ASC
        LIMIT {p3:UInt64}
    )
)
ORDER BY stored ASC, id ASC
LIMIT {p3:UInt64}
-- tenant: "acme"
-- p2: "account:http://lrs|k1"
-- p3: 22
-- p4: 1709294400500
-- p5: 1709290800123
-- p6: 00000000-0000-4000-8000-000000000042
-- p7: "activity"
-- p8: "http://example.com/act/1"
-- p9: "related_activity"
-- p10: "http://example.com/act/1"
