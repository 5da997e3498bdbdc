package e2e

import (
	"context"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// recordingPublisher records the stored time of every acknowledged statement.
type recordingPublisher struct {
	publish.Publisher
	log *ackLog
}

func (p recordingPublisher) Publish(ctx context.Context, envs []*envelope.Envelope) error {
	err := p.Publisher.Publish(ctx, envs)
	if err == nil {
		p.log.add(envs)
	}
	return err
}

type ackLog struct {
	mu     sync.Mutex
	stored map[string]time.Time
	envs   map[string]*envelope.Envelope
}

func newAckLog() *ackLog {
	return &ackLog{stored: map[string]time.Time{}, envs: map[string]*envelope.Envelope{}}
}

func (a *ackLog) add(envs []*envelope.Envelope) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, e := range envs {
		a.stored[e.ID.String()] = e.Stored
		a.envs[e.ID.String()] = e
	}
}

// envelopes returns every acknowledged envelope by id.
func (a *ackLog) envelopes() map[string]*envelope.Envelope {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]*envelope.Envelope, len(a.envs))
	for k, v := range a.envs {
		out[k] = v
	}
	return out
}

func (a *ackLog) snapshot() map[string]time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]time.Time, len(a.stored))
	for k, v := range a.stored {
		out[k] = v
	}
	return out
}

func (a *ackLog) newest() time.Time {
	var n time.Time
	for _, st := range a.snapshot() {
		if st.After(n) {
			n = st
		}
	}
	return n
}

// recordingSink counts inserted batches.
type recordingSink struct {
	consumer.Sink
	log *insertLog
}

func (r *recordingSink) Write(ctx context.Context, token string, batch []*envelope.Envelope) ([]consumer.Rejected, error) {
	rej, err := r.Sink.Write(ctx, token, batch)
	if err == nil {
		r.log.add(len(batch))
	}
	return rej, err
}

type insertLog struct {
	mu      sync.Mutex
	batches int
}

func newInsertLog() *insertLog { return &insertLog{} }

func (l *insertLog) add(int) { l.mu.Lock(); l.batches++; l.mu.Unlock() }

func (l *insertLog) count() int { l.mu.Lock(); defer l.mu.Unlock(); return l.batches }
