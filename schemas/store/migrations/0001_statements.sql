-- Statements: one insert into statements_in (a Null table) feeds every table
-- below through materialized views, so the processor writes each batch with a
-- single INSERT. Every table is a ReplacingMergeTree whose sorting key holds the
-- statement id: a batch redelivered after a crash collapses into one row, and
-- readers add LIMIT 1 BY id so a copy never shows before the merge.

CREATE TABLE IF NOT EXISTS {db}.statements_in
(
    tenant             LowCardinality(String),
    id                 UUID,
    stored             DateTime64(3, 'UTC'),
    timestamp          DateTime64(3, 'UTC'),
    version            LowCardinality(String),
    verb               String,
    object_type        LowCardinality(String),
    object_id          String,
    registration       UUID,
    voids              UUID,
    agents             Array(String),
    related_agents     Array(String),
    related_activities Array(String),
    authority          String,
    content_hash       String,
    raw                String
)
ENGINE = Null;

-- The statements as stored, byte for byte, with the columns GET filters on.
CREATE TABLE IF NOT EXISTS {db}.statements
(
    tenant             LowCardinality(String),
    id                 UUID,
    stored             DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    timestamp          DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    version            LowCardinality(String),
    verb               LowCardinality(String),
    object_type        LowCardinality(String),
    object_id          String CODEC(ZSTD(1)),
    registration       UUID,
    voids              UUID,
    agents             Array(String) CODEC(ZSTD(1)),
    related_agents     Array(String) CODEC(ZSTD(1)),
    related_activities Array(String) CODEC(ZSTD(1)),
    authority          String CODEC(ZSTD(1)),
    content_hash       String CODEC(ZSTD(1)),
    raw                String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(stored)
ORDER BY (tenant, stored, id)
-- A filtered page reads ~100 statements scattered in time: each is a point
-- read that decompresses its whole granule, so granules stay small
-- (128 rows of ~1.3 KB, one compressed block each).
SETTINGS index_granularity = 128;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statements_mv TO {db}.statements AS
SELECT tenant, id, stored, timestamp, version, verb, object_type, object_id, registration, voids,
       agents, related_agents, related_activities, authority, content_hash, raw
FROM {db}.statements_in;

-- Lookup by id: statementId/voidedStatementId GETs, the ingest 409 check and
-- the processor's redelivery check. Small rows sorted by id.
CREATE TABLE IF NOT EXISTS {db}.statement_ids
(
    tenant       LowCardinality(String),
    id           UUID,
    stored       DateTime64(3, 'UTC'),
    content_hash String
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statement_ids_mv TO {db}.statement_ids AS
SELECT tenant, id, stored, content_hash FROM {db}.statements_in;

-- One row per (filter kind, key) a statement matches, sorted so that every GET
-- filter is a range read in stored order:
--   agent            actor, or object when it is an Agent/Group (the agent filter)
--   related_agent    every Agent/Group anywhere (related_agents=true)
--   verb             verb id
--   activity         object id when the object is an Activity
--   related_activity object and context activities, also of a SubStatement
--   registration     context registration
--   voids            the target of a voiding statement
-- The driving filter picks the rows; verb, registration, object and agents are
-- carried along so the common combinations are decided inside the index.
CREATE TABLE IF NOT EXISTS {db}.statement_index
(
    tenant       LowCardinality(String),
    kind         LowCardinality(String),
    key          String,
    stored       DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    id           UUID,
    verb         LowCardinality(String),
    registration UUID,
    object_id    String CODEC(ZSTD(1)),
    agents       Array(String) CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(stored)
ORDER BY (tenant, kind, key, stored, id)
-- Small granules: a filter reads one key's range, often a few hundred rows
-- per part; 8192-row granules would read far more than the page needs.
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statement_index_mv TO {db}.statement_index AS
SELECT tenant, kind, key, stored, id, verb, registration, object_id, agents
FROM
(
    SELECT tenant, stored, id, verb, registration, object_id, agents,
           arrayConcat(
               arrayMap(k -> ('agent', k), agents),
               arrayMap(k -> ('related_agent', k), related_agents),
               [('verb', verb)],
               if(object_type = 'Activity', [('activity', object_id)], []),
               arrayMap(k -> ('related_activity', k), related_activities),
               if(registration != toUUID('00000000-0000-0000-0000-000000000000'), [('registration', toString(registration))], []),
               if(voids != toUUID('00000000-0000-0000-0000-000000000000'), [('voids', toString(voids))], [])
           ) AS keys
    FROM {db}.statements_in
)
ARRAY JOIN keys.1 AS kind, keys.2 AS key;
