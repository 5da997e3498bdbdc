SELECT stored, id
FROM
(
    (
        SELECT stored, id
        FROM `lrs`.`statement_index`
        WHERE tenant = {tenant:String}
          AND kind = {p4:String}
          AND key = {p5:String}
          AND stored <= fromUnixTimestamp64Milli({p3:Int64}, 'UTC')
        ORDER BY stored DESC, id DESC
        LIMIT {p2:UInt64}
    )
    UNION ALL
    (
        SELECT stored, id
        FROM `lrs`.`statement_index`
        WHERE tenant = {tenant:String}
          AND kind = {p6:String}
          AND key = {p7:String}
          AND stored <= fromUnixTimestamp64Milli({p3:Int64}, 'UTC')
        ORDER BY stored DESC, id DESC
        LIMIT {p2:UInt64}
    )
)
ORDER BY stored DESC, id DESC
LIMIT {p2:UInt64}
-- tenant: "acme"
-- p2: 22
-- p3: 1709294400500
-- p4: "agent"
-- p5: "mbox:mailto:ann@example.com"
-- p6: "related_agent"
-- p7: "mbox:mailto:ann@example.com"
