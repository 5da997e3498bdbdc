-- The installation's key for signing the `more` cursors of GET /statements
-- (HMAC-SHA256, query/statements): every query instance reads it at start,
-- so each accepts the cursors of the others, and they stay valid across
-- restarts. {random_key:String} is 32 bytes from crypto/rand, hex, drawn afresh each
-- time the migrations are read; the insert keeps it only while the table is
-- empty, so the key is generated once and re-running the migration changes
-- nothing. Should two migrations race and both insert, readers accept every
-- key and sign with the earliest (store.CursorKeys). The query.cursor_secret
-- setting, when set, replaces it.
CREATE TABLE IF NOT EXISTS {db}.cursor_keys
(
    key     String,
    created DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY key;

INSERT INTO {db}.cursor_keys (key, created)
SELECT {random_key:String}, now64(6)
WHERE (SELECT count() FROM {db}.cursor_keys) = 0;
