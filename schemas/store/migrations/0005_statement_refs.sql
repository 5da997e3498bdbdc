-- Filter conditions for StatementRefs (Communication 2.1.3): a statement whose
-- object is a StatementRef meets a filter when its target does, recursively.
-- The processor resolves that when it stores the referring statement: it
-- carries a copy of every statement_index row of its target (which carries
-- its own target's copies), written under the referring statement's stored
-- time and id. Queries need no extra work, at any depth.
ALTER TABLE {db}.statements_in
    ADD COLUMN IF NOT EXISTS ref_kind         Array(String),
    ADD COLUMN IF NOT EXISTS ref_key          Array(String),
    ADD COLUMN IF NOT EXISTS ref_verb         Array(String),
    ADD COLUMN IF NOT EXISTS ref_registration Array(UUID),
    ADD COLUMN IF NOT EXISTS ref_object_id    Array(String),
    ADD COLUMN IF NOT EXISTS ref_agents       Array(Array(String)),
    ADD COLUMN IF NOT EXISTS ref_via          Array(UUID);

-- via is the statement a row describes: nil for a statement's own rows, the
-- targeted statement for inherited ones. In the sorting key, so that an
-- inherited row never collapses into an own row with the same kind and key
-- (their verb, registration, object and agents differ).
ALTER TABLE {db}.statement_index
    ADD COLUMN IF NOT EXISTS via UUID,
    MODIFY ORDER BY (tenant, kind, key, stored, id, via);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statement_index_ref_mv TO {db}.statement_index AS
SELECT tenant, kind, key, stored, id, verb, registration, object_id, agents, via
FROM
(
    SELECT tenant, stored, id, r.1 AS kind, r.2 AS key, r.3 AS verb, r.4 AS registration, r.5 AS object_id,
           r.6 AS agents, r.7 AS via
    FROM {db}.statements_in
    ARRAY JOIN arrayZip(ref_kind, ref_key, ref_verb, ref_registration, ref_object_id, ref_agents, ref_via) AS r
);
