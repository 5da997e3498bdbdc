SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = {tenant:String}
  AND kind = {p6:String}
  AND key = {p7:String}
  AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
  AND (stored < fromUnixTimestamp64Milli({p4:Int64}, 'UTC') OR id < {p5:UUID})
ORDER BY stored DESC, id DESC
LIMIT {p2:UInt64}
-- tenant: "acme"
-- p2: 22
-- p3: 1709294400500
-- p4: 1709290800123
-- p5: 00000000-0000-4000-8000-000000000042
-- p6: "agent"
-- p7: "mbox:mailto:ann@example.com"
