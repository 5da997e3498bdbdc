-- What the processors have really stored, per topic partition. Each row is
-- written after the batch it describes was inserted; query takes the minimum
-- watermark over all partitions as X-Experience-API-Consistent-Through.
CREATE TABLE IF NOT EXISTS {db}.consumer_progress
(
    topic      LowCardinality(String),
    partition  UInt32,
    partitions UInt32,
    watermark  DateTime64(3, 'UTC'),
    offset     Int64,
    state      String,
    updated    DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(updated)
ORDER BY (topic, partition);
