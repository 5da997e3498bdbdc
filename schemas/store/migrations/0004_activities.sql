-- Canonical Activity definitions (Communication 2.1.3 format=canonical, and
-- the Activities resource, Communication 2.5). The processor writes one row
-- per Activity carrying a definition in a stored statement (object, context
-- activities, and those of a SubStatement), before the statements themselves.
-- 1.0.3 leaves the canonical definition to the LRS: Tributary takes the most
-- recently stored one, which ReplacingMergeTree(stored) keeps on merge and
-- readers pick with argMax(definition, stored) until then.
CREATE TABLE IF NOT EXISTS {db}.activity_definitions
(
    tenant      LowCardinality(String),
    activity_id String,
    definition  String CODEC(ZSTD(1)),
    stored      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(stored)
ORDER BY (tenant, activity_id);
