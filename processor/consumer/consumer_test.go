package consumer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// TestRoundTripAndWatermark: statements reach the sink exactly once, every
// partition gets a progress row with W = LW − 1 ms of the last heartbeat,
// and offsets are committed to the end.
func TestRoundTripAndWatermark(t *testing.T) {
	e := newEnv(t)
	t0 := time.UnixMilli(1_700_000_000_000).UTC()
	stmts, ids := statements(40, t0)
	var msgs []kafka.Message
	msgs = append(msgs, heartbeats("ingest-a", t0, false)...)
	msgs = append(msgs, stmts...)
	msgs = append(msgs, heartbeats("ingest-a", t0.Add(time.Second), false)...)
	e.produce(msgs...)

	sink, prog := newSink(), newProgress()
	reg := prometheus.NewRegistry()
	e.start(sink, prog, reg, 2*time.Second)
	waitFor(t, "every statement stored", func() bool { return sink.has(ids) })
	want := t0.Add(time.Second - time.Millisecond)
	waitFor(t, "consistent-through of the last heartbeat", func() bool {
		w, ok := prog.consistentThrough(e.opts.Topic)
		return ok && w.Equal(want)
	})
	waitFor(t, "offsets committed", e.allCommitted)
	for _, id := range ids {
		if n := sink.stored(id); n != 1 {
			t.Fatalf("statement %v stored %d times", id, n)
		}
	}
	if n, err := testutil.GatherAndCount(reg, "lrs_processor_batch_size", "lrs_processor_insert_duration_seconds"); err != nil || n != 2 {
		t.Fatalf("metrics: %d %v", n, err)
	}

	// A Final heartbeat of the only instance keeps its LW; a second instance
	// holds the watermark at its own LW.
	e.produce(heartbeats("ingest-b", t0.Add(1500*time.Millisecond), false)...)
	e.produce(heartbeats("ingest-a", t0.Add(3*time.Second), true)...)
	want = t0.Add(1500*time.Millisecond - time.Millisecond)
	waitFor(t, "watermark held by ingest-b", func() bool {
		w, ok := prog.consistentThrough(e.opts.Topic)
		return ok && w.Equal(want)
	})
}

// TestDeadLetters: a malformed message and a statement the sink rejects each
// land in the dead-letter topic with their reason; every other statement is
// stored and the partitions go on.
func TestDeadLetters(t *testing.T) {
	e := newEnv(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	garbage := kafka.Message{Key: []byte("junk"), Value: []byte("not an envelope"), Partition: 2, WriterData: explicitPartition{},
		Headers: []kafka.Header{{Key: "origin", Value: []byte("test")}}}
	stmts, ids := statements(30, now)
	rejected := ids[3]
	e.produce(append([]kafka.Message{garbage}, stmts...)...)

	sink, prog := newSink(), newProgress()
	sink.reject[rejected] = "conflicts with the stored statement"
	reg := prometheus.NewRegistry()
	e.start(sink, prog, reg, 2*time.Second)

	var good []uuid.UUID
	for _, id := range ids {
		if id != rejected {
			good = append(good, id)
		}
	}
	waitFor(t, "good statements stored", func() bool { return sink.has(good) })
	dead := e.readDLQ(2)
	byCause := map[string]kafka.Message{}
	for _, m := range dead {
		byCause[header(m, HeaderCause)] = m
	}
	mal := byCause["malformed"]
	if string(mal.Value) != "not an envelope" || string(mal.Key) != "junk" || header(mal, HeaderPartition) != "2" ||
		header(mal, HeaderOffset) != "0" || header(mal, HeaderTopic) != e.opts.Topic || header(mal, "origin") != "test" ||
		!strings.Contains(header(mal, HeaderReason), "malformed") {
		t.Fatalf("malformed dead letter: key %q value %q headers %v", mal.Key, mal.Value, mal.Headers)
	}
	m := byCause["rejected"]
	if string(m.Key) != rejected.String() || header(m, HeaderReason) != "conflicts with the stored statement" ||
		header(m, HeaderTopic) != e.opts.Topic || header(m, HeaderOffset) == "" {
		t.Fatalf("rejected dead letter: %q %v", m.Key, m.Headers)
	}
	if sink.stored(rejected) != 0 {
		t.Fatal("a dead-lettered statement was stored")
	}
	waitFor(t, "offsets committed past the dead letters", e.allCommitted)
	if n := testutil.CollectAndCount(reg, "lrs_processor_dead_letters_total"); n != 2 {
		t.Fatalf("dead letter series = %d, want 2 causes", n)
	}
}

// Issue 9: "The consumer's bisection/poison path promised by the contract
// comment never runs with the real sink (every error is retryable): make the
// contract true or remove the dead path and the comment." Removed: any store
// error, whatever its class, is retried with the same statements under the
// same token (a part of a batch under a token of its own would be a
// different batch, see store), and nothing is dead-lettered for it.
func TestIssue9_StoreErrorsAreRetriedAsTheSameBatchNeverDeadLettered(t *testing.T) {
	e := newEnv(t)
	stmts, ids := statements(30, time.Now().UTC())
	e.produce(stmts...)
	sink := newSink()
	var failures atomic.Int64
	sink.fail = func([]*envelope.Envelope) error {
		if failures.Add(1) <= 4 {
			return &store.ServerError{Code: 53, Name: "TYPE_MISMATCH", Message: "an engine error that is not transient"}
		}
		return nil
	}
	e.start(sink, newProgress(), nil, 2*time.Second)
	waitFor(t, "every statement stored", func() bool { return sink.has(ids) })
	waitFor(t, "offsets committed", e.allCommitted)
	log := sink.log()
	for i := 1; i < 5; i++ {
		if log[i].token != log[0].token || !slices.Equal(log[i].ids, log[0].ids) {
			t.Fatalf("attempt %d wrote %s %v, the first %s %v: a failed batch must be retried whole", i+1,
				log[i].token, len(log[i].ids), log[0].token, len(log[0].ids))
		}
	}
	for _, id := range ids {
		if n := sink.stored(id); n != 1 {
			t.Fatalf("statement %v stored %d times", id, n)
		}
	}
	if end := e.dlqEnd(); end != 0 {
		t.Fatalf("%d dead letters, want none", end)
	}
}

// TestTransientErrorsRetriedCommitAfterSuccess: while the store is unavailable
// the batch is retried and nothing is committed; once it recovers every
// statement is stored and committed.
func TestTransientErrorsRetriedCommitAfterSuccess(t *testing.T) {
	e := newEnv(t)
	stmts, ids := statements(25, time.Now().UTC())
	e.produce(stmts...)

	var failing atomic.Bool
	failing.Store(true)
	var attempts atomic.Int64
	sink := newSink()
	sink.fail = func([]*envelope.Envelope) error {
		attempts.Add(1)
		if failing.Load() {
			return fmt.Errorf("insert: %w", store.ErrUnavailable)
		}
		return nil
	}
	e.start(sink, newProgress(), nil, 2*time.Second)
	waitFor(t, "retries", func() bool { return attempts.Load() >= 4 })
	for p, off := range e.committed() {
		if off >= 0 {
			t.Fatalf("partition %d committed offset %d while the store is failing", p, off)
		}
	}
	failing.Store(false)
	waitFor(t, "every statement stored", func() bool { return sink.has(ids) })
	waitFor(t, "offsets committed", e.allCommitted)
}

// TestRestartRedelivers: a consumer that stored a batch but stopped before
// committing leaves it to the next one (at-least-once): nothing is lost.
func TestRestartRedelivers(t *testing.T) {
	e := newEnv(t)
	stmts, ids := statements(30, time.Now().UTC())
	e.produce(stmts...)

	// First consumer: the insert lands, but the "commit" never happens
	// because the store then keeps failing (think: crash after insert).
	first := newSink()
	first.fail = func(batch []*envelope.Envelope) error {
		for _, en := range batch {
			first.count[en.ID]++
		}
		return errors.Join(store.ErrUnavailable, errors.New("connection reset"))
	}
	stop := e.start(first, newProgress(), nil, 200*time.Millisecond)
	waitFor(t, "first consumer saw every statement", func() bool { return first.has(ids) })
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for p, off := range e.committed() {
		if off >= 0 {
			t.Fatalf("partition %d committed offset %d without a successful insert", p, off)
		}
	}

	second := newSink()
	e.start(second, newProgress(), nil, 2*time.Second)
	waitFor(t, "second consumer got every statement again", func() bool { return second.has(ids) })
	waitFor(t, "offsets committed", e.allCommitted)
}
