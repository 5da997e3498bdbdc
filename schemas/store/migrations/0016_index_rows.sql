-- Fewer and narrower statement_index rows (issue 8: pay the write
-- amplification once). statement_index took ~11 rows of every statement,
-- each carrying verb, registration, object and agents: half the CPU of
-- storing a statement (make bench-writecost).
--
-- 1. A key gets one row per statement, not two: an agent of the statement
--    (actor, or object Agent/Group) no longer gets a related_agent row as
--    well, nor the object Activity a related_activity row. related_agent and
--    related_activity now hold only the agents and activities found
--    elsewhere (context, authority, SubStatement), and the related_agents /
--    related_activities filters read the ranges of both kinds (rows stored
--    before, with both, are read twice and count once).
-- 2. A row carries only what a filter combination decides on it
--    (query/statements plan): the verb on the rows of the filters that can
--    drive a query with a verb (registration, agent, related_agent,
--    activity, related_activity), the object on those that can drive one
--    with an activity (registration, agent, related_agent), the agents on
--    those that can drive one with an agent (registration). registration is
--    no longer carried at all: when a query has one, it drives. Rows stored
--    before keep their columns; no query depends on them being empty.
--
-- store.OwnIndexRows builds the same rows for a statement that targets
-- this one with a StatementRef (a store test holds the two together).
-- Query instances of an earlier build read a related filter from one kind
-- only: upgrade them with the schema.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statement_index_keys_mv TO {db}.statement_index AS
SELECT tenant, kind, key, stored, id,
       if(kind IN ('registration', 'agent', 'related_agent', 'activity', 'related_activity'), verb, '') AS verb,
       if(kind IN ('registration', 'agent', 'related_agent'), object_id, '') AS object_id,
       if(kind = 'registration', agents, []) AS agents,
       authority_key, authority_key AS via_authority_key
FROM
(
    SELECT tenant, stored, id, verb, object_id, agents, authority_key,
           arrayConcat(
               arrayMap(k -> ('agent', k), agents),
               arrayMap(k -> ('related_agent', k), arrayFilter(k -> NOT has(agents, k), related_agents)),
               [('verb', verb)],
               if(object_type = 'Activity', [('activity', object_id)], []),
               arrayMap(k -> ('related_activity', k),
                        arrayFilter(k -> NOT (object_type = 'Activity' AND k = object_id), related_activities)),
               if(registration != toUUID('00000000-0000-0000-0000-000000000000'), [('registration', toString(registration))], []),
               if(voids != toUUID('00000000-0000-0000-0000-000000000000'), [('voids', toString(voids))], []),
               if(authority_key != '', [('authority', authority_key)], []),
               if(object_type = 'StatementRef', [('statementref', toString(toUUIDOrZero(object_id)))], [])
           ) AS keys
    FROM {db}.statements_in
)
ARRAY JOIN keys.1 AS kind, keys.2 AS key;

-- Created before the old view is dropped, so a statement stored meanwhile
-- is indexed (with both layouts at worst, which the queries read alike).
DROP VIEW IF EXISTS {db}.statement_index_own_mv;
