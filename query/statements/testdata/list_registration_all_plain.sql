SELECT stored, id
FROM `lrs`.`statement_index`
WHERE tenant = {tenant:String}
  AND kind = {p7:String}
  AND key = {p8:String}
  AND stored <= fromUnixTimestamp64Milli({p6:Int64}, 'UTC')
  AND has(agents, {p2:String})
  AND object_id = {p3:String}
  AND verb = {p4:String}
ORDER BY stored DESC, id DESC
LIMIT {p5:UInt64}
-- tenant: "acme"
-- p2: "mbox:mailto:ann@example.com"
-- p3: "http://example.com/act/1"
-- p4: "http://adlnet.gov/expapi/verbs/completed"
-- p5: 22
-- p6: 1709294400500
-- p7: "registration"
-- p8: "ff0e2c8a-0b4d-4c1a-9d8e-3c5a6f7b8c9d"
