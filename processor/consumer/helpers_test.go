package consumer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/tributary-lrs/tributary/schemas/envelope"
)

const partitions = 4

type env struct {
	t       testing.TB
	brokers []string
	opts    Options
	// tr carries the test's own clients; its connections close with the
	// test (kafka-go's DefaultTransport would keep them for the process).
	tr *kafka.Transport
}

// newEnv starts a broker with a unique statement topic (4 partitions) and
// dead-letter topic.
func newEnv(t testing.TB) *env {
	t.Helper()
	id := uuid.NewString()[:8]
	topic, dlq := "stmts-"+id, "dlq-"+id
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topic), kfake.SeedTopics(1, dlq))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	tr := &kafka.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	o := Options{Brokers: c.ListenAddrs(), Topic: topic, DeadLetterTopic: dlq, GroupID: "group-" + id, ClientID: "tributary",
		BatchRows: 100, BatchBytes: 64 << 20, BatchAge: 20 * time.Millisecond,
		RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, InstanceTTL: 10 * time.Second}
	return &env{t: t, brokers: c.ListenAddrs(), opts: o, tr: tr}
}

type explicitPartition struct{}

// produce writes messages like ingest does: statements hashed by key,
// heartbeats (WriterData explicitPartition{}) to their Partition.
func (e *env) produce(msgs ...kafka.Message) {
	e.t.Helper()
	hash := &kafka.Hash{}
	w := &kafka.Writer{Addr: kafka.TCP(e.brokers...), Topic: e.opts.Topic, RequiredAcks: kafka.RequireAll, Transport: e.tr,
		BatchTimeout: time.Millisecond, BatchSize: len(msgs),
		Balancer: kafka.BalancerFunc(func(m kafka.Message, parts ...int) int {
			if _, ok := m.WriterData.(explicitPartition); ok {
				return m.Partition
			}
			return hash.Balance(m, parts...)
		})}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		e.t.Fatal(err)
	}
}

func statement(stored time.Time) (kafka.Message, uuid.UUID) {
	id := uuid.New()
	en := &envelope.Envelope{V: envelope.Version, Kind: envelope.KindStatement, Tenant: "t", ID: id,
		Stored: stored, ContentHash: "h", Statement: []byte(`{"id":"` + id.String() + `"}`)}
	v, err := en.Marshal()
	if err != nil {
		panic(err)
	}
	return kafka.Message{Key: en.Key(), Value: v}, id
}

func statements(n int, stored time.Time) ([]kafka.Message, []uuid.UUID) {
	var msgs []kafka.Message
	var ids []uuid.UUID
	for range n {
		m, id := statement(stored)
		msgs, ids = append(msgs, m), append(ids, id)
	}
	return msgs, ids
}

// heartbeats returns one heartbeat of inst to every partition.
func heartbeats(inst string, lw time.Time, final bool) []kafka.Message {
	en := &envelope.Envelope{V: envelope.Version, Kind: envelope.KindHeartbeat, Instance: inst, LowWatermark: lw, Final: final}
	v, err := en.Marshal()
	if err != nil {
		panic(err)
	}
	out := make([]kafka.Message, partitions)
	for p := range out {
		out[p] = kafka.Message{Key: en.Key(), Value: v, Partition: p, WriterData: explicitPartition{}}
	}
	return out
}

// memSink stores statements in memory the way the real sink does with the
// engine: ids (statement_ids) names the token that stored each id, count
// (statements) counts the rows of each id, and a token's rows reach count
// once (the table's deduplication log). An id stored by another token is a
// redelivered copy and skipped. fail, when set, decides the error of each
// write; with partial, a failed write still reaches ids (a view before the
// failing one). before, when set, runs first (a crash point). Every write is
// logged.
type memSink struct {
	mu      sync.Mutex
	ids     map[uuid.UUID]string
	count   map[uuid.UUID]int
	applied map[string]bool
	writes  []write
	partial bool
	fail    func(batch []*envelope.Envelope) error
	before  func(token string, batch []*envelope.Envelope)
	reject  map[uuid.UUID]string
}

// write is one call of Write: its token and the ids in the order given.
type write struct {
	token string
	ids   []uuid.UUID
}

func newSink() *memSink {
	return &memSink{ids: map[uuid.UUID]string{}, count: map[uuid.UUID]int{}, applied: map[string]bool{},
		reject: map[uuid.UUID]string{}}
}

func (s *memSink) Write(_ context.Context, token string, batch []*envelope.Envelope) ([]Rejected, error) {
	if s.before != nil {
		s.before(token, batch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := write{token: token}
	for _, e := range batch {
		w.ids = append(w.ids, e.ID)
	}
	s.writes = append(s.writes, w)
	var rej []Rejected
	var fresh []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, e := range batch {
		if r, ok := s.reject[e.ID]; ok {
			rej = append(rej, Rejected{Envelope: e, Err: errors.New(r)})
			continue
		}
		if string(e.Statement) != `{"id":"`+e.ID.String()+`"}` {
			return nil, errors.New("payload changed in transit")
		}
		if t, stored := s.ids[e.ID]; seen[e.ID] || stored && t != token {
			continue
		}
		seen[e.ID] = true
		fresh = append(fresh, e.ID)
	}
	if s.fail != nil {
		if err := s.fail(batch); err != nil {
			if s.partial {
				s.record(token, fresh)
			}
			return nil, err
		}
	}
	s.record(token, fresh)
	if !s.applied[token] {
		s.applied[token] = true
		for _, id := range fresh {
			s.count[id]++
		}
	}
	return rej, nil
}

func (s *memSink) record(token string, ids []uuid.UUID) {
	for _, id := range ids {
		if _, ok := s.ids[id]; !ok {
			s.ids[id] = token
		}
	}
}

func (s *memSink) has(ids []uuid.UUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if s.count[id] == 0 {
			return false
		}
	}
	return true
}

func (s *memSink) stored(id uuid.UUID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count[id]
}

func (s *memSink) log() []write {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

// start runs a consumer until the returned stop is called.
func (e *env) start(sink Sink, prog Progress, reg prometheus.Registerer, shutdown time.Duration) (stop func() error) {
	e.t.Helper()
	return e.startWith(e.opts, sink, prog, reg, shutdown)
}

// startWith is start with other processor settings.
func (e *env) startWith(o Options, sink Sink, prog Progress, reg prometheus.Registerer, shutdown time.Duration) (stop func() error) {
	e.t.Helper()
	c, err := New(o, Deps{Sink: sink, Progress: prog, Registerer: reg, ShutdownTimeout: shutdown, SessionTimeout: 6 * time.Second})
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(3*shutdown + 5*time.Second):
				runErr = fmt.Errorf("Run did not return after stop")
			}
		})
		return runErr
	}
	e.t.Cleanup(func() { _ = stop() })
	return stop
}

// committed returns the group's committed offset of every partition (-1: none).
func (e *env) committed() []int64 {
	e.t.Helper()
	cl := &kafka.Client{Addr: kafka.TCP(e.brokers...), Timeout: 5 * time.Second, Transport: e.tr}
	parts := make([]int, partitions)
	for i := range parts {
		parts[i] = i
	}
	res, err := cl.OffsetFetch(context.Background(), &kafka.OffsetFetchRequest{GroupID: e.opts.GroupID,
		Topics: map[string][]int{e.opts.Topic: parts}})
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]int64, partitions)
	for i := range out {
		out[i] = -1
	}
	for _, p := range res.Topics[e.opts.Topic] {
		if p.Error == nil {
			out[p.Partition] = p.CommittedOffset
		}
	}
	return out
}

// ends returns the end offset (next offset to write) of every partition.
func (e *env) ends() []int64 {
	e.t.Helper()
	cl := &kafka.Client{Addr: kafka.TCP(e.brokers...), Timeout: 5 * time.Second, Transport: e.tr}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for p := range partitions {
		req.Topics[e.opts.Topic] = append(req.Topics[e.opts.Topic], kafka.LastOffsetOf(p))
	}
	res, err := cl.ListOffsets(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]int64, partitions)
	for _, p := range res.Topics[e.opts.Topic] {
		out[p.Partition] = p.LastOffset
	}
	return out
}

func (e *env) allCommitted() bool {
	c, want := e.committed(), e.ends()
	for i := range c {
		if c[i] != want[i] {
			return false
		}
	}
	return true
}

// dlqEnd returns the end offset of the dead-letter topic: the number of
// dead letters written.
func (e *env) dlqEnd() int64 {
	e.t.Helper()
	cl := &kafka.Client{Addr: kafka.TCP(e.brokers...), Timeout: 5 * time.Second, Transport: e.tr}
	res, err := cl.ListOffsets(context.Background(), &kafka.ListOffsetsRequest{
		Topics: map[string][]kafka.OffsetRequest{e.opts.DeadLetterTopic: {kafka.LastOffsetOf(0)}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return res.Topics[e.opts.DeadLetterTopic][0].LastOffset
}

// readDLQ reads n messages from the dead-letter topic.
func (e *env) readDLQ(n int) []kafka.Message {
	e.t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: e.brokers, Topic: e.opts.DeadLetterTopic, Partition: 0, MaxWait: 20 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []kafka.Message
	for len(out) < n {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			e.t.Fatalf("read dead letters: %v (got %d of %d)", err, len(out), n)
		}
		out = append(out, m)
	}
	return out
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func header(m kafka.Message, key string) string {
	for _, h := range m.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}
