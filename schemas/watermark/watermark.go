// Package watermark owns the consistency watermark (Communication 2.1.3,
// X-Experience-API-Consistent-Through): a time W such that every statement
// stored at or before W is visible in the store. Its one rule: a source that
// knows an exclusive bound LW — every statement it stored strictly before LW
// is stored — gives W = LW − 1 ms (Below); several sources give the earliest.
//
// The sources:
//
//   - all-in-one (InProcess): the earliest stored time still on its way to
//     the store, in a request not answered yet (ingest/inflight) or in the
//     write-ahead log (processor/walqueue's oldest pending);
//   - distributed (Partition): per topic partition, from the ingest
//     instances' heartbeats, below; the query and ingest roles read the
//     minimum over every partition's recorded W (store.ProgressWatermark);
//   - both: xapihttp.WatermarkCache serves the last W read to the responses.
//
// Partition is pure: the consumer feeds it the partition's messages in offset
// order after the batch holding them was written to the store.
//
// Each ingest instance writes heartbeats (Instance, LowWatermark LW) to every
// partition: every statement the instance stored strictly before LW was
// acknowledged by Kafka before the heartbeat, so it sits at a lower offset.
// Once everything up to a heartbeat is stored, statements of that instance
// with stored < LW are visible. The partition watermark is therefore
//
//	W = min over live instances of their latest LW − 1 ms
//
// or, when no instance is live, the newest LW seen − 1 ms (an instance that
// starts later writes a heartbeat to every partition before it takes traffic).
// An instance stops being live on its Final heartbeat, or when its latest LW
// trails the newest LW seen on the partition by more than the TTL (log time,
// not wall time: a stalled partition expires nobody).
//
// W may go back when a late instance appears with a lower LW; it is never
// overstated.
package watermark

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// Partition is the state of one partition. The zero value is not ready: use New
// or Restore. Fields are exported for JSON only; use the methods.
type Partition struct {
	// Offset is the last offset reflected in the state, -1 for none.
	Offset int64 `json:"offset"`
	// Newest is the newest low watermark seen on the partition (log time).
	Newest time.Time `json:"newest,omitzero"`
	// Instances maps each live instance to its latest low watermark.
	Instances map[string]time.Time `json:"instances"`
}

// New returns the state of a partition nothing was read from.
func New() *Partition { return &Partition{Offset: -1, Instances: map[string]time.Time{}} }

// Apply feeds the message at offset (any kind; nil for a message that is not a
// valid envelope). Offsets at or below Offset were already applied and are
// ignored, so redelivered messages change nothing.
func (p *Partition) Apply(offset int64, e *envelope.Envelope, ttl time.Duration) {
	if offset <= p.Offset {
		return
	}
	p.Offset = offset
	if e == nil || e.Kind != envelope.KindHeartbeat || e.Instance == "" || e.LowWatermark.IsZero() {
		return
	}
	lw := e.LowWatermark.UTC()
	if lw.After(p.Newest) {
		p.Newest = lw
	}
	if e.Final {
		delete(p.Instances, e.Instance)
	} else {
		p.Instances[e.Instance] = lw
	}
	for inst, t := range p.Instances {
		if p.Newest.Sub(t) > ttl {
			delete(p.Instances, inst)
		}
	}
}

// Watermark returns W: every statement of this partition stored at or before
// W is stored. ok is false until a heartbeat was seen.
func (p *Partition) Watermark() (w time.Time, ok bool) {
	if p.Newest.IsZero() {
		return time.Time{}, false
	}
	low := p.Newest
	for _, t := range p.Instances {
		if t.Before(low) {
			low = t
		}
	}
	return Below(low), true
}

// Clone returns an independent copy.
func (p *Partition) Clone() *Partition {
	c := &Partition{Offset: p.Offset, Newest: p.Newest, Instances: make(map[string]time.Time, len(p.Instances))}
	for k, v := range p.Instances {
		c.Instances[k] = v
	}
	return c
}

// Marshal encodes the state for persistence.
func (p *Partition) Marshal() ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode watermark state: %w", err)
	}
	return b, nil
}

// Restore decodes a state written by Marshal.
func Restore(b []byte) (*Partition, error) {
	p := New()
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("decode watermark state: %w", err)
	}
	if p.Instances == nil {
		p.Instances = map[string]time.Time{}
	}
	return p, nil
}
