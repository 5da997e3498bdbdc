-- A batch is stored whole or retried until it is (issue 8). One insert into
-- statements_in fans out through materialized views into several tables,
-- one after the other, not atomically: an insert cut short (engine error,
-- disk full, kill -9) may have reached some tables and not others. Every
-- batch therefore carries a deduplication token, the same on every retry of
-- the same rows (the write-ahead log position in all-in-one mode, the Kafka
-- offsets in distributed mode), and the tables fed by statements_in keep a
-- deduplication log: a retry completes exactly the tables the failed attempt
-- did not reach (store.DedupSettings). The window is a number of inserts
-- per table, far more than a retry ever trails its attempt by.
ALTER TABLE {db}.statements MODIFY SETTING non_replicated_deduplication_window = 10000;

ALTER TABLE {db}.statement_ids MODIFY SETTING non_replicated_deduplication_window = 10000;

ALTER TABLE {db}.statement_index MODIFY SETTING non_replicated_deduplication_window = 10000;

ALTER TABLE {db}.activity_definition_parts MODIFY SETTING non_replicated_deduplication_window = 10000;

ALTER TABLE {db}.agent_names MODIFY SETTING non_replicated_deduplication_window = 10000;

-- statement_ids names the batch that stored each id. The check that skips
-- ids already stored (a redelivered copy) must not skip the rows of the very
-- batch being retried: a row of statement_ids written by a failed attempt of
-- this batch proves nothing about the other tables.
ALTER TABLE {db}.statements_in ADD COLUMN IF NOT EXISTS batch String;

ALTER TABLE {db}.statement_ids ADD COLUMN IF NOT EXISTS batch String CODEC(ZSTD(1));

-- Created before the old view is dropped, so no id stored meanwhile is lost
-- (written twice at worst, which collapses).
CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statement_ids_batch_mv TO {db}.statement_ids AS
SELECT tenant, id, stored, content_hash, batch FROM {db}.statements_in;

DROP VIEW IF EXISTS {db}.statement_ids_mv;
