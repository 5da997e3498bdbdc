SELECT stored, id
FROM `lrs`.`statements`
WHERE tenant = {tenant:String}
  AND stored >= fromUnixTimestamp64Milli({p5:Int64}, 'UTC')
  AND (stored > fromUnixTimestamp64Milli({p5:Int64}, 'UTC') OR id > {p6:UUID})
  AND stored <= fromUnixTimestamp64Milli({p4:Int64}, 'UTC')
ORDER BY stored ASC, id ASC
LIMIT {p2:UInt64}
-- tenant: "acme"
-- p2: 22
-- p3: 1704067200000
-- p4: 1709294400500
-- p5: 1709290800123
-- p6: 00000000-0000-4000-8000-000000000042
