SELECT id, stored, raw
FROM `lrs`.`statements`
WHERE tenant = {p1:String}
  AND stored IN (fromUnixTimestamp64Milli({p2:Int64}, 'UTC'), fromUnixTimestamp64Milli({p3:Int64}, 'UTC'))
  AND id IN {p4:Array(UUID)}
-- p1: "acme"
-- p2: 1709294400500
-- p3: 1709294399500
-- p4: [6690e6c9-3ef0-4ed3-8b37-7f3964730bee 0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11]
