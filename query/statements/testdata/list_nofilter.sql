SELECT stored, id
FROM `lrs`.`statements`
WHERE tenant = {tenant:String}
  AND stored <= fromUnixTimestamp64Milli({p3:Int64}, 'UTC')
ORDER BY stored DESC, id DESC
LIMIT {p2:UInt64}
-- tenant: "acme"
-- p2: 22
-- p3: 1709294400500
