SELECT activity_id, field, key, argMax(value, stored), max(stored)
FROM `lrs`.activity_definition_parts
WHERE tenant = {tenant:String}
  AND has({ids:Array(String)}, activity_id)
GROUP BY activity_id, field, key
-- tenant: "acme"
-- ids: ["http://example.com/act/1" "http://x/'quoted"]
