-- Activity definitions and agent names travel in the statements insert and
-- reach their tables through materialized views, so the processor stores a
-- batch with one INSERT, as it does everything else.
ALTER TABLE {db}.statements_in
    ADD COLUMN IF NOT EXISTS def_ids     Array(String),
    ADD COLUMN IF NOT EXISTS def_bodies  Array(String),
    ADD COLUMN IF NOT EXISTS name_keys   Array(String),
    ADD COLUMN IF NOT EXISTS name_values Array(String);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.activity_definitions_mv TO {db}.activity_definitions AS
SELECT tenant, d.1 AS activity_id, d.2 AS definition, stored
FROM {db}.statements_in
ARRAY JOIN arrayZip(def_ids, def_bodies) AS d;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.agent_names_mv TO {db}.agent_names AS
SELECT tenant, n.1 AS agent_key, n.2 AS name, stored
FROM {db}.statements_in
ARRAY JOIN arrayZip(name_keys, name_values) AS n;
