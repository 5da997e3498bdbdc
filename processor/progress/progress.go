// Package progress persists the processor's per-partition watermark state,
// and the intent of the batch being stored, in the consumer_progress table.
// The query side reads the watermarks back with store.ConsistentThrough.
package progress

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/watermark"
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

// Write replaces the row of every partition in states with its state and
// intent, the batch about to be stored (nil: none, which clears the one the
// row held). partitions is the topic's partition count. Write the states a
// batch leads to only after the batch was stored, and before committing its
// offsets; write an intent with the states before the batch. A partition
// without a heartbeat yet promises nothing: its row says the Unix epoch,
// which ConsistentThrough takes as the minimum, as it would a missing row.
func (s *Store) Write(ctx context.Context, topic string, partitions int, states map[int]*watermark.Partition, intent *consumer.Intent) error {
	if len(states) == 0 {
		return nil
	}
	keys := make([]int, 0, len(states))
	for p := range states {
		keys = append(keys, p)
	}
	sort.Ints(keys)
	var in []byte
	if intent != nil {
		var err error
		if in, err = json.Marshal(intent); err != nil {
			return fmt.Errorf("encode the intent of %s: %w", topic, err)
		}
	}
	n := len(keys)
	var (
		topics, blobs, intents = make([]string, n), make([]string, n), make([]string, n)
		parts, counts          = make([]uint32, n), make([]uint32, n)
		marks, upd             = make([]time.Time, n), make([]time.Time, n)
		offsets                = make([]int64, n)
	)
	now := s.version()
	for i, p := range keys {
		st := states[p]
		w, ok := st.Watermark()
		if !ok {
			w = time.Unix(0, 0).UTC()
		}
		b, err := st.Marshal()
		if err != nil {
			return fmt.Errorf("progress of %s/%d: %w", topic, p, err)
		}
		topics[i], parts[i], counts[i], marks[i] = topic, uint32(p), uint32(partitions), w
		offsets[i], blobs[i], intents[i], upd[i] = st.Offset, string(b), string(in), now
	}
	err := s.eng.Insert(ctx, &store.Batch{Table: store.Table(s.db, store.ProgressTable), Columns: []store.Column{
		{Name: "topic", Data: topics}, {Name: "partition", Data: parts}, {Name: "partitions", Data: counts},
		{Name: "watermark", Data: marks}, {Name: "offset", Data: offsets}, {Name: "state", Data: blobs},
		{Name: "intent", Data: intents}, {Name: "updated", Data: upd},
	}})
	if err != nil {
		return fmt.Errorf("write progress of %s (%d partitions): %w", topic, n, err)
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

// loadSQL reads the progress rows of a topic.
const loadSQL = "SELECT partition, state, intent FROM {db}.consumer_progress FINAL WHERE topic = {topic:String}"

// Load returns the saved progress of every partition of topic that has a
// row.
func (s *Store) Load(ctx context.Context, topic string) (map[int]consumer.Saved, error) {
	rows, err := s.eng.Query(ctx, store.Query{Text: store.InDB(loadSQL, s.db), Params: store.Params{{Name: "topic", Value: topic}}})
	if err != nil {
		return nil, fmt.Errorf("load progress of %s: %w", topic, err)
	}
	defer rows.Close()
	out := map[int]consumer.Saved{}
	for rows.Next() {
		var p uint32
		var blob, intent string
		if err := rows.Scan(&p, &blob, &intent); err != nil {
			return nil, fmt.Errorf("scan progress of %s: %w", topic, err)
		}
		st, err := watermark.Restore([]byte(blob))
		if err != nil {
			return nil, fmt.Errorf("progress of %s/%d: %w", topic, p, err)
		}
		saved := consumer.Saved{State: st}
		if intent != "" {
			saved.Intent = &consumer.Intent{}
			if err := json.Unmarshal([]byte(intent), saved.Intent); err != nil {
				return nil, fmt.Errorf("intent in the progress of %s/%d: %w", topic, p, err)
			}
		}
		out[int(p)] = saved
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load progress of %s: %w", topic, err)
	}
	return out, nil
}
