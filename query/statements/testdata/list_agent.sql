SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = {tenant:String}
  AND kind = {p4:String}
  AND key = {p5:String}
  AND stored <= fromUnixTimestamp64Milli({p3:Int64}, 'UTC')
ORDER BY stored DESC, id DESC
LIMIT {p2:UInt64}
-- tenant: "acme"
-- p2: 22
-- p3: 1709294400500
-- p4: "agent"
-- p5: "mbox:mailto:ann@example.com"
