SELECT activity_id, argMax(definition, stored)
FROM `lrs`.`activity_definitions`
WHERE tenant = 'acme'
  AND activity_id IN ('http://example.com/act/1', 'http://x/\'quoted')
GROUP BY activity_id
