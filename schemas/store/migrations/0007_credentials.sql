-- Tenants and credentials (schemas/auth). Both tables are ReplacingMergeTree
-- on a version column: a change (revoking a credential) is a new row with a
-- higher version, never an UPDATE. Readers take the latest version per key
-- (ORDER BY version DESC LIMIT 1 BY key).
--
-- credentials is sorted by key alone: HTTP Basic names the key before the
-- tenant is known, and keys are random and globally unique. The tenant is
-- the first column of every Principal built from a row, so isolation holds
-- from there on. secret_hash is an argon2id PHC string; the secret itself is
-- never stored. revoked is 1970-01-01 for an active credential.
CREATE TABLE IF NOT EXISTS {db}.tenants
(
    name    String,
    created DateTime64(3, 'UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY name;

CREATE TABLE IF NOT EXISTS {db}.credentials
(
    tenant      LowCardinality(String),
    key         String,
    secret_hash String,
    scopes      Array(LowCardinality(String)),
    name        String,
    created     DateTime64(3, 'UTC'),
    revoked     DateTime64(3, 'UTC'),
    version     UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY key;
