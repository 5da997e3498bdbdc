SELECT activity_id, field, key, argMax(value, stored), max(stored)
FROM `lrs`.activity_definition_parts
WHERE tenant = {tenant:String}
  AND activity_id IN {ids:Array(String)}
GROUP BY activity_id, field, key
-- tenant: "acme"
-- ids: ["http://example.com/act/1" "http://x/'quoted"]
