SELECT stored, id
FROM
(
    (
        SELECT stored, id
        FROM `lrs`.`statement_index`
        WHERE tenant = {tenant:String}
          AND kind = {p8:String}
          AND key = {p9:String}
          AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
          AND verb = {p2:String}
          AND (id, via) IN (
            SELECT id, via
            FROM `lrs`.`statement_index`
            WHERE tenant = {tenant:String}
              AND kind IN ({p5:String}, {p6:String})
              AND key = {p7:String}
              AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
          )
        ORDER BY stored DESC, id DESC
        LIMIT {p3:UInt64}
    )
    UNION ALL
    (
        SELECT stored, id
        FROM `lrs`.`statement_index`
        WHERE tenant = {tenant:String}
          AND kind = {p13:String}
          AND key = {p14:String}
          AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
          AND verb = {p2:String}
          AND (id, via) IN (
            SELECT id, via
            FROM `lrs`.`statement_index`
            WHERE tenant = {tenant:String}
              AND kind IN ({p10:String}, {p11:String})
              AND key = {p12:String}
              AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
          )
        ORDER BY stored DESC, id DESC
        LIMIT {p3:UInt64}
    )
)
ORDER BY stored DESC, id DESC
LIMIT {p3:UInt64}
-- tenant: "acme"
-- p2: "http://adlnet.gov/expapi/verbs/completed"
-- p3: 22
-- p4: 1709294400500
-- p5: "activity"
-- p6: "related_activity"
-- p7: "http://example.com/act/1"
-- p8: "agent"
-- p9: "mbox:mailto:ann@example.com"
-- p10: "activity"
-- p11: "related_activity"
-- p12: "http://example.com/act/1"
-- p13: "related_agent"
-- p14: "mbox:mailto:ann@example.com"
