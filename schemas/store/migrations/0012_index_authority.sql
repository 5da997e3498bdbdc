-- statement_index rows carry authorities, and StatementRefs are found from
-- their targets (issue 7).
--
-- authority_key is the authority's IFI key of the statement `id` (the row's
-- owner), via_authority_key that of the statement the row describes: the
-- same for a statement's own rows, the target's for rows inherited through
-- a StatementRef. A statements/read/mine list is then one range read with
-- authority_key = via_authority_key = the reader's key: it sees its own
-- statements, and an inherited row only when it may read the target too.
--
-- Every StatementRef statement gets a row kind = 'statementref', key = the
-- target id, so the processor finds the stored referrers of a statement
-- with a point read and completes their inheritance when the target is
-- stored after them (or concurrently, on another partition).
ALTER TABLE {db}.statements_in
    ADD COLUMN IF NOT EXISTS ref_via_authority_key Array(String);

ALTER TABLE {db}.statement_index
    ADD COLUMN IF NOT EXISTS authority_key LowCardinality(String),
    ADD COLUMN IF NOT EXISTS via_authority_key LowCardinality(String);

-- A statement's own rows, its authority row and its statementref row: one
-- view instead of statement_index_mv and statement_index_authority_mv.
-- Created before those are dropped, so a statement stored meanwhile is
-- indexed (twice at worst, which collapses).
CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statement_index_own_mv TO {db}.statement_index AS
SELECT tenant, kind, key, stored, id, verb, registration, object_id, agents,
       authority_key, authority_key AS via_authority_key
FROM
(
    SELECT tenant, stored, id, verb, registration, object_id, agents, authority_key,
           arrayConcat(
               arrayMap(k -> ('agent', k), agents),
               arrayMap(k -> ('related_agent', k), related_agents),
               [('verb', verb)],
               if(object_type = 'Activity', [('activity', object_id)], []),
               arrayMap(k -> ('related_activity', k), related_activities),
               if(registration != toUUID('00000000-0000-0000-0000-000000000000'), [('registration', toString(registration))], []),
               if(voids != toUUID('00000000-0000-0000-0000-000000000000'), [('voids', toString(voids))], []),
               if(authority_key != '', [('authority', authority_key)], []),
               if(object_type = 'StatementRef', [('statementref', toString(toUUIDOrZero(object_id)))], [])
           ) AS keys
    FROM {db}.statements_in
)
ARRAY JOIN keys.1 AS kind, keys.2 AS key;

-- Rows inherited from StatementRef targets known when the statement is
-- stored. arrayResize: a processor of an older build sends no
-- ref_via_authority_key (its rows then count for no statements/read/mine
-- reader until the backfill below is run again).
CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statement_index_inherited_mv TO {db}.statement_index AS
SELECT tenant, kind, key, stored, id, verb, registration, object_id, agents, via,
       authority_key, via_authority_key
FROM
(
    SELECT tenant, stored, id, authority_key, r.1 AS kind, r.2 AS key, r.3 AS verb, r.4 AS registration,
           r.5 AS object_id, r.6 AS agents, r.7 AS via, r.8 AS via_authority_key
    FROM {db}.statements_in
    ARRAY JOIN arrayZip(ref_kind, ref_key, ref_verb, ref_registration, ref_object_id, ref_agents, ref_via,
                        arrayResize(ref_via_authority_key, length(ref_kind), '')) AS r
);

DROP VIEW IF EXISTS {db}.statement_index_mv;

DROP VIEW IF EXISTS {db}.statement_index_authority_mv;

DROP VIEW IF EXISTS {db}.statement_index_ref_mv;

-- Rows stored before: a copy with the authorities, which replaces the old
-- row on merge (same sorting key, inserted later); readers dedupe by id
-- meanwhile. The authority rows are the one place the key is stored.
INSERT INTO {db}.statement_index
    (tenant, kind, key, stored, id, verb, registration, object_id, agents, via, authority_key, via_authority_key)
SELECT i.tenant, i.kind, i.key, i.stored, i.id, i.verb, i.registration, i.object_id, i.agents, i.via,
       a.key, if(i.via = toUUID('00000000-0000-0000-0000-000000000000'), a.key, v.key)
FROM {db}.statement_index AS i
INNER JOIN
(
    SELECT tenant, id, any(key) AS key FROM {db}.statement_index WHERE kind = 'authority' GROUP BY tenant, id
) AS a ON a.tenant = i.tenant AND a.id = i.id
LEFT JOIN
(
    SELECT tenant, id, any(key) AS key FROM {db}.statement_index WHERE kind = 'authority' GROUP BY tenant, id
) AS v ON v.tenant = i.tenant AND v.id = i.via
WHERE i.authority_key = '' AND i.kind != 'statementref';

-- The statementref rows of StatementRef statements stored before.
INSERT INTO {db}.statement_index
    (tenant, kind, key, stored, id, verb, registration, object_id, agents, authority_key, via_authority_key)
SELECT s.tenant, 'statementref', toString(toUUIDOrZero(s.object_id)), s.stored, s.id, s.verb, s.registration,
       s.object_id, s.agents, a.key, a.key
FROM {db}.statements AS s
LEFT JOIN
(
    SELECT tenant, id, any(key) AS key FROM {db}.statement_index WHERE kind = 'authority' GROUP BY tenant, id
) AS a ON a.tenant = s.tenant AND a.id = s.id
WHERE s.object_type = 'StatementRef';
