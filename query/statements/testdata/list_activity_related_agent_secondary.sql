SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = {tenant:String}
  AND kind = {p7:String}
  AND key = {p8:String}
  AND stored <= fromUnixTimestamp64Milli({p3:Int64}, 'UTC')
  AND (id, via) IN (
    SELECT id, via
    FROM `lrs`.`statement_index`
    WHERE tenant = {tenant:String}
      AND kind IN ({p4:String}, {p5:String})
      AND key = {p6:String}
      AND stored <= fromUnixTimestamp64Milli({p3:Int64}, 'UTC')
  )
ORDER BY stored DESC, id DESC
LIMIT {p2:UInt64}
-- tenant: "acme"
-- p2: 22
-- p3: 1709294400500
-- p4: "agent"
-- p5: "related_agent"
-- p6: "mbox:mailto:ann@example.com"
-- p7: "registration"
-- p8: "ff0e2c8a-0b4d-4c1a-9d8e-3c5a6f7b8c9d"
