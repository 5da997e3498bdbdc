package consumer

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/schemas/watermark"
)

// memProgress keeps progress rows in memory, serialized as progress.Store
// keeps them. onWrite, when set, runs before each write (a crash point).
type memProgress struct {
	mu      sync.Mutex
	rows    map[string]map[int]savedRow
	parts   int
	onWrite func(states map[int]*watermark.Partition, intent *Intent)
}

type savedRow struct {
	state, intent []byte
}

func newProgress() *memProgress { return &memProgress{rows: map[string]map[int]savedRow{}} }

func (p *memProgress) Write(_ context.Context, topic string, n int, states map[int]*watermark.Partition, intent *Intent) error {
	if p.onWrite != nil {
		p.onWrite(states, intent)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rows[topic] == nil {
		p.rows[topic] = map[int]savedRow{}
	}
	var in []byte
	if intent != nil {
		var err error
		if in, err = json.Marshal(intent); err != nil {
			return err
		}
	}
	for part, st := range states {
		b, err := st.Marshal()
		if err != nil {
			return err
		}
		p.rows[topic][part] = savedRow{state: b, intent: in}
	}
	p.parts = n
	return nil
}

func (p *memProgress) Load(_ context.Context, topic string) (map[int]Saved, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[int]Saved{}
	for part, r := range p.rows[topic] {
		st, err := watermark.Restore(r.state)
		if err != nil {
			return nil, err
		}
		s := Saved{State: st}
		if r.intent != nil {
			s.Intent = &Intent{}
			if err := json.Unmarshal(r.intent, s.Intent); err != nil {
				return nil, err
			}
		}
		out[part] = s
	}
	return out, nil
}

// intents returns the intent of every partition row that holds one.
func (p *memProgress) intents(topic string) map[int]Intent {
	saved, _ := p.Load(context.Background(), topic)
	out := map[int]Intent{}
	for part, s := range saved {
		if s.Intent != nil {
			out[part] = *s.Intent
		}
	}
	return out
}

// consistentThrough mirrors store.ConsistentThrough on the in-memory rows: a
// partition without a heartbeat counts as the Unix epoch.
func (p *memProgress) consistentThrough(topic string) (time.Time, bool) {
	saved, _ := p.Load(context.Background(), topic)
	p.mu.Lock()
	n := p.parts
	p.mu.Unlock()
	var low time.Time
	for part := range n {
		s, ok := saved[part]
		if !ok {
			return time.Time{}, false
		}
		w, ok := s.State.Watermark()
		if !ok {
			w = time.Unix(0, 0).UTC()
		}
		if low.IsZero() || w.Before(low) {
			low = w
		}
	}
	return low, n > 0
}
