-- Canonical Activity definitions, merged (Communication 2.5: the Activity
-- Object holds "all available information from any statements that target
-- that activityId"). activity_definitions (0004) kept one whole definition per
-- Activity, so a later statement (and a background merge) threw away what an
-- older one said, such as a language only the older one gave. Here every part
-- of a definition is a row of its own: a language of name or description, an
-- extension, or another property (xapi.DefinitionPart). ReplacingMergeTree
-- keeps the most recently stored row of each part; readers take
-- argMax(value, stored) per part until then and assemble the definition
-- (xapi.MergeDefinition). A row with field '' holds a whole definition in
-- the form of migration 0004 (key '' for the one carried over from
-- activity_definitions, the statement id for one an older processor sent);
-- it counts as each part it holds.
CREATE TABLE IF NOT EXISTS {db}.activity_definition_parts
(
    tenant      LowCardinality(String),
    activity_id String,
    field       LowCardinality(String),
    key         String,
    value       String CODEC(ZSTD(1)),
    stored      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(stored)
ORDER BY (tenant, activity_id, field, key);

-- The parts travel in the statements insert, as everything else does.
ALTER TABLE {db}.statements_in
    ADD COLUMN IF NOT EXISTS def_part_ids    Array(String),
    ADD COLUMN IF NOT EXISTS def_part_fields Array(String),
    ADD COLUMN IF NOT EXISTS def_part_keys   Array(String),
    ADD COLUMN IF NOT EXISTS def_part_values Array(String);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.activity_definition_parts_mv TO {db}.activity_definition_parts AS
SELECT tenant, p.1 AS activity_id, p.2 AS field, p.3 AS key, p.4 AS value, stored
FROM {db}.statements_in
ARRAY JOIN arrayZip(def_part_ids, def_part_fields, def_part_keys, def_part_values) AS p;

-- A processor of an older build still sends whole definitions in
-- def_ids/def_bodies: they land here as whole-definition rows, one per
-- statement (a later one must not replace what an earlier one said), so
-- nothing is lost while processors are upgraded one by one.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.activity_definitions_whole_mv TO {db}.activity_definition_parts AS
SELECT tenant, d.1 AS activity_id, '' AS field, toString(id) AS key, d.2 AS value, stored
FROM {db}.statements_in
ARRAY JOIN arrayZip(def_ids, def_bodies) AS d;

-- What an upgraded store held: the latest whole definition of each Activity.
-- Run again, it inserts the same rows, which collapse into one.
INSERT INTO {db}.activity_definition_parts (tenant, activity_id, field, key, value, stored)
SELECT tenant, activity_id, '', '', argMax(definition, stored), max(stored)
FROM {db}.activity_definitions
GROUP BY tenant, activity_id;

-- activity_definitions is no longer written (nor read); it stays, so that a
-- run of this migration cut short can copy it again.
DROP VIEW IF EXISTS {db}.activity_definitions_mv;
