// Package progress persists the processor's per-partition watermark state in
// the consumer_progress table. The query side reads it back with
// store.ConsistentThrough.
package progress

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/processor/watermark"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Store writes and loads consumer_progress rows. It is safe for concurrent use.
type Store struct {
	eng store.Engine
	db  string

	mu   sync.Mutex
	last time.Time // last updated value written, to keep versions increasing
}

// New returns a Store on database db.
func New(eng store.Engine, db string) *Store { return &Store{eng: eng, db: db} }

// Write stores one row per partition whose watermark is known (partitions
// without a heartbeat yet are skipped: they promise nothing). partitions is the
// topic's partition count. Call it only after the batch the states describe
// was written to the store, and before committing its offsets.
func (s *Store) Write(ctx context.Context, topic string, partitions int, states map[int]*watermark.Partition) error {
	keys := make([]int, 0, len(states))
	for p := range states {
		keys = append(keys, p)
	}
	sort.Ints(keys)
	var (
		parts, counts []uint32
		marks, upd    []time.Time
		offsets       []int64
		blobs, topics []string
	)
	now := s.version()
	for _, p := range keys {
		st := states[p]
		w, ok := st.Watermark()
		if !ok {
			continue
		}
		b, err := st.Marshal()
		if err != nil {
			return fmt.Errorf("progress of %s/%d: %w", topic, p, err)
		}
		topics = append(topics, topic)
		parts = append(parts, uint32(p))
		counts = append(counts, uint32(partitions))
		marks = append(marks, w)
		offsets = append(offsets, st.Offset)
		blobs = append(blobs, string(b))
		upd = append(upd, now)
	}
	if len(parts) == 0 {
		return nil
	}
	err := s.eng.Insert(ctx, &store.Batch{Table: store.Table(s.db, store.ProgressTable), Columns: []store.Column{
		{Name: "topic", Data: topics}, {Name: "partition", Data: parts}, {Name: "partitions", Data: counts},
		{Name: "watermark", Data: marks}, {Name: "offset", Data: offsets}, {Name: "state", Data: blobs},
		{Name: "updated", Data: upd},
	}})
	if err != nil {
		return fmt.Errorf("write progress of %s (%d partitions): %w", topic, len(parts), err)
	}
	return nil
}

// version returns a strictly increasing µs timestamp for the updated column,
// the ReplacingMergeTree version.
func (s *Store) version() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC().Truncate(time.Microsecond)
	if !now.After(s.last) {
		now = s.last.Add(time.Microsecond)
	}
	s.last = now
	return now
}

// Load returns the persisted state of every partition of topic that has a row.
func (s *Store) Load(ctx context.Context, topic string) (map[int]*watermark.Partition, error) {
	rows, err := s.eng.Query(ctx, "SELECT partition, state FROM "+store.Table(s.db, store.ProgressTable)+
		" FINAL WHERE topic = "+store.String(topic))
	if err != nil {
		return nil, fmt.Errorf("load progress of %s: %w", topic, err)
	}
	defer rows.Close()
	out := map[int]*watermark.Partition{}
	for rows.Next() {
		var p uint32
		var blob string
		if err := rows.Scan(&p, &blob); err != nil {
			return nil, fmt.Errorf("scan progress of %s: %w", topic, err)
		}
		st, err := watermark.Restore([]byte(blob))
		if err != nil {
			return nil, fmt.Errorf("progress of %s/%d: %w", topic, p, err)
		}
		out[int(p)] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load progress of %s: %w", topic, err)
	}
	return out, nil
}
