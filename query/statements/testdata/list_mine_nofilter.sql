SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = {tenant:String}
  AND kind = {p5:String}
  AND key = {p6:String}
  AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
ORDER BY stored DESC, id DESC
LIMIT {p3:UInt64}
-- tenant: "acme"
-- p2: "account:http://lrs|k1"
-- p3: 22
-- p4: 1709294400500
-- p5: "authority"
-- p6: "account:http://lrs|k1"
