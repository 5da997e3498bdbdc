-- Attachments: the raw bytes of every statement attachment received in a
-- multipart/mixed request, content-addressed by their SHA-256 (the sha2 of
-- the attachment object). Ingest writes them before it publishes the
-- statements that reference them, so a failed publish only leaves an orphan;
-- a second copy of the same bytes collapses into one row (ReplacingMergeTree,
-- sorted by (tenant, sha2)). Readers add LIMIT 1 BY sha2 or FINAL.
CREATE TABLE IF NOT EXISTS {db}.attachments
(
    tenant       LowCardinality(String),
    sha2         String,
    content_type String,
    length       UInt64,
    content      String CODEC(ZSTD(3)),
    stored       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, sha2);
