-- statements/read/mine (Communication 4.2): a credential with only that scope
-- reads the statements whose authority is the one the LRS assigns it. The
-- authority's IFI key becomes an index kind, so the restriction is a range
-- of statement_index like every other filter. Only a statement's own
-- authority counts: StatementRef inheritance does not copy these rows.
ALTER TABLE {db}.statements_in ADD COLUMN IF NOT EXISTS authority_key String;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.statement_index_authority_mv TO {db}.statement_index AS
SELECT tenant, 'authority' AS kind, authority_key AS key, stored, id, verb, registration, object_id, agents
FROM {db}.statements_in
WHERE authority_key != '';
