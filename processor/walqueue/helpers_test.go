package walqueue

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// batch is one Write a recorder received.
type batch struct {
	token string
	ids   []uuid.UUID
}

// recorder is a Writer that records the batches it stores; fail, when set,
// decides per call whether to fail it; gate, when set, holds every call
// until it is closed.
type recorder struct {
	mu      sync.Mutex
	batches []batch
	fail    func(token string) error
	gate    chan struct{}
	calls   chan string
}

func (r *recorder) Write(ctx context.Context, token string, envs []*envelope.Envelope) ([]consumer.Rejected, error) {
	if r.calls != nil {
		select {
		case r.calls <- token:
		default:
		}
	}
	if r.gate != nil {
		select {
		case <-r.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if r.fail != nil {
		if err := r.fail(token); err != nil {
			return nil, err
		}
	}
	b := batch{token: token}
	for _, e := range envs {
		b.ids = append(b.ids, e.ID)
	}
	r.mu.Lock()
	r.batches = append(r.batches, b)
	r.mu.Unlock()
	return nil, nil
}

func (r *recorder) WriteNew(ctx context.Context, token string, envs []*envelope.Envelope) ([]consumer.Rejected, error) {
	return r.Write(ctx, token, envs)
}

func (r *recorder) stored() []batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]batch(nil), r.batches...)
}

// storedIDs returns every id stored, in order.
func (r *recorder) storedIDs() []uuid.UUID {
	var out []uuid.UUID
	for _, b := range r.stored() {
		out = append(out, b.ids...)
	}
	return out
}

// fakeLookup answers from a map and can be held.
type fakeLookup struct {
	mu      sync.Mutex
	hashes  map[store.StatementKey]string
	asked   int
	gate    chan struct{}
	entered chan struct{} // receives once per call, when set
}

func (f *fakeLookup) ContentHashes(ctx context.Context, keys []store.StatementKey) (map[store.StatementKey]string, error) {
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.gate != nil {
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked += len(keys)
	out := map[store.StatementKey]string{}
	for _, k := range keys {
		if h, ok := f.hashes[k]; ok {
			out[k] = h
		}
	}
	return out, nil
}

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// stmt is a statement envelope with a content of its own.
func stmt(id uuid.UUID, content string) *envelope.Envelope {
	raw := fmt.Sprintf(`{"id":%q,"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/%s"}}`, id, content)
	return &envelope.Envelope{V: envelope.Version, Kind: envelope.KindStatement, Tenant: "t", ID: id, Stored: t0,
		Authority:   []byte(`{"objectType":"Agent","account":{"homePage":"http://lrs","name":"k"}}`),
		XAPIVersion: "1.0.3", ContentHash: "hash-" + content, Statement: []byte(raw), IDSupplied: true}
}

// voiding is a statement that voids target.
func voiding(id, target uuid.UUID) *envelope.Envelope {
	raw := fmt.Sprintf(`{"id":%q,"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":%q},"object":{"objectType":"StatementRef","id":%q}}`,
		id, xapi.VerbVoided, target)
	e := stmt(id, "voids-"+target.String())
	e.Statement = []byte(raw)
	return e
}

func open(t *testing.T, dir string, w Writer, lookup Lookup, opt Options) *Queue {
	t.Helper()
	return openWith(t, dir, w, lookup, nil, opt)
}

func openWith(t *testing.T, dir string, w Writer, lookup Lookup, snap Snapshot, opt Options) *Queue {
	t.Helper()
	opt.Dir = dir
	if lookup == nil {
		lookup = &fakeLookup{}
	}
	q, err := Open(w, lookup, snap, opt, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// closeNow stops q as a crash would: nothing more is inserted.
func closeNow(q *Queue) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = q.Close(ctx)
}

func closeAll(t *testing.T, q *Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// eventually waits for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func ids(envs ...*envelope.Envelope) []uuid.UUID {
	out := make([]uuid.UUID, len(envs))
	for i, e := range envs {
		out[i] = e.ID
	}
	return out
}

func newStmts(n int) []*envelope.Envelope {
	out := make([]*envelope.Envelope, n)
	for i := range out {
		out[i] = stmt(uuid.New(), fmt.Sprint(i))
	}
	return out
}

// fmtSscan reads the index range of a token "wal:<epoch>:<first>-<last>".
func fmtSscan(token string, first, last *uint64) (int, error) {
	i := strings.LastIndexByte(token, ':')
	return fmt.Sscanf(token[i+1:], "%d-%d", first, last)
}
