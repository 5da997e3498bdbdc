-- statements keeps the stored bytes and their position, nothing else
-- (issue 8: pay the write amplification once). Its filter columns (verb,
-- object, registration, agents, related agents and activities, authority,
-- content hash, ...) were written, sorted and merged with every statement
-- and read by no query: every filter reads statement_index, the content
-- hash is in statement_ids, and what else a statement says is in its bytes.
-- Dropping them takes a third of the CPU statements costs (make
-- bench-writecost). statements_in keeps them for the views that need them.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statements_bytes_mv TO {db}.statements AS
SELECT tenant, id, stored, raw
FROM {db}.statements_in;

-- Created before the old view is dropped, so no statement stored meanwhile
-- is lost (written twice at worst, which collapses).
DROP VIEW IF EXISTS {db}.statements_mv;

ALTER TABLE {db}.statements
    DROP COLUMN IF EXISTS timestamp,
    DROP COLUMN IF EXISTS version,
    DROP COLUMN IF EXISTS verb,
    DROP COLUMN IF EXISTS object_type,
    DROP COLUMN IF EXISTS object_id,
    DROP COLUMN IF EXISTS registration,
    DROP COLUMN IF EXISTS voids,
    DROP COLUMN IF EXISTS agents,
    DROP COLUMN IF EXISTS related_agents,
    DROP COLUMN IF EXISTS related_activities,
    DROP COLUMN IF EXISTS authority,
    DROP COLUMN IF EXISTS content_hash;
