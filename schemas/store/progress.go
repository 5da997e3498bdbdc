package store

import (
	"context"
	"fmt"
	"time"
)

// ProgressTable is the table the processors write their progress to.
const ProgressTable = "consumer_progress"

// consistentThrough reads the watermark of every partition of a topic.
const consistentThrough = "SELECT partition, partitions, watermark FROM {db}.consumer_progress FINAL WHERE topic = {topic:String}"

// ConsistentThrough returns the consistency watermark of topic: the minimum
// watermark over every partition of the topic in consumer_progress (written by
// the processor after each stored batch). Every statement stored at or before
// it is visible. ok is false while some partition (per the partitions column)
// has no row yet, i.e. nothing can be promised.
func ConsistentThrough(ctx context.Context, e Engine, db, topic string) (t time.Time, ok bool, err error) {
	rows, err := e.Query(ctx, Query{Text: InDB(consistentThrough, db), Params: Params{{"topic", topic}}})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read consumer progress of %s: %w", topic, err)
	}
	defer rows.Close()
	var (
		want uint32
		seen = map[uint32]bool{}
		low  time.Time
	)
	for rows.Next() {
		var part, parts uint32
		var w time.Time
		if err := rows.Scan(&part, &parts, &w); err != nil {
			return time.Time{}, false, fmt.Errorf("scan consumer progress: %w", err)
		}
		want = max(want, parts)
		seen[part] = true
		if low.IsZero() || w.Before(low) {
			low = w
		}
	}
	if err := rows.Err(); err != nil {
		return time.Time{}, false, fmt.Errorf("read consumer progress of %s: %w", topic, err)
	}
	if want == 0 {
		return time.Time{}, false, nil
	}
	for p := range want {
		if !seen[p] {
			return time.Time{}, false, nil
		}
	}
	return low.UTC(), true, nil
}

// ProgressWatermark is the consistency watermark of a topic as the
// processors recorded it in consumer_progress (see ConsistentThrough). Until
// every partition has reported nothing is guaranteed and it answers the Unix
// epoch, which never overstates.
type ProgressWatermark struct {
	Engine   Engine
	Database string
	Topic    string
}

// ConsistentThrough returns the watermark.
func (w ProgressWatermark) ConsistentThrough(ctx context.Context) (time.Time, error) {
	t, ok, err := ConsistentThrough(ctx, w.Engine, w.Database, w.Topic)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Unix(0, 0).UTC(), nil
	}
	return t, nil
}
