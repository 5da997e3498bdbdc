SELECT activity_id, field, key, argMax(value, stored), max(stored)
FROM `lrs`.`activity_definition_parts`
WHERE tenant = 'acme'
  AND activity_id IN ('http://example.com/act/1', 'http://x/\'quoted')
GROUP BY activity_id, field, key
