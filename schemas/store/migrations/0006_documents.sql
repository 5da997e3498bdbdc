-- Documents: the State, Activity Profile and Agent Profile resources
-- (Communication 2.2, 2.3, 2.6, 2.7). One row per write of a document; the
-- row with the highest version is the document, a row with deleted = 1 is a
-- tombstone (the document is absent). Versions are strictly increasing per
-- document (nanoseconds, at least the previous version + 1), so merges keep
-- exactly the latest row and readers take it with ORDER BY version DESC
-- LIMIT 1 or argMax(…, version).
--
-- resource is 'state', 'activity_profile' or 'agent_profile'; scope_key is
-- the length-prefixed encoding of the document's context (activity id, agent
-- IFI key and registration for State; activity id or agent key for the
-- profiles); doc_id is the stateId or profileId. content holds the bytes
-- exactly as received (or the merged JSON of a POST), etag the SHA-1 hex of
-- content, updated the Last-Modified time.
CREATE TABLE IF NOT EXISTS {db}.documents
(
    tenant       LowCardinality(String),
    resource     LowCardinality(String),
    scope_key    String,
    doc_id       String,
    version      UInt64,
    content      String CODEC(ZSTD(1)),
    content_type String,
    etag         String,
    updated      DateTime64(3, 'UTC'),
    deleted      UInt8
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, resource, scope_key, doc_id);
