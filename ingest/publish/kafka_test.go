package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/schemas/envelope"
)

const partitions = 4

func cluster(t *testing.T, topic string) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func options(brokers []string, topic string) KafkaOptions {
	return KafkaOptions{Brokers: brokers, Topic: topic, ClientID: "tributary",
		PublishTimeout: 2 * time.Second, HeartbeatInterval: 50 * time.Millisecond,
		BatchTimeout: 2 * time.Millisecond, BatchSize: 1000}
}

func newPublisher(t *testing.T, brokers []string, topic string, reg prometheus.Registerer) (*Kafka, *inflight.Tracker) {
	t.Helper()
	o := options(brokers, topic)
	tr := inflight.New(nil)
	p, err := NewKafka(o, tr, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = p.Close(ctx)
	})
	waitFor(t, 10*time.Second, "publisher ready", p.Ready)
	return p, tr
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func statement(stored time.Time) *envelope.Envelope {
	id := uuid.New()
	return &envelope.Envelope{V: envelope.Version, Kind: envelope.KindStatement, Tenant: "t", ID: id,
		Stored: stored, ContentHash: "h", Statement: []byte(`{"id":"` + id.String() + `"}`)}
}

// readPartition reads partition p from the start until stop returns true.
func readPartition(t *testing.T, brokers []string, topic string, p int, stop func([]*envelope.Envelope) bool) []*envelope.Envelope {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: p, MaxWait: 20 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []*envelope.Envelope
	for !stop(out) {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("read partition %d: %v (got %d messages)", p, err, len(out))
		}
		e, err := envelope.Unmarshal(m.Value)
		if err != nil {
			t.Fatalf("partition %d offset %d: %v", p, m.Offset, err)
		}
		if string(m.Key) != string(e.Key()) {
			t.Fatalf("key %q, want %q", m.Key, e.Key())
		}
		out = append(out, e)
	}
	return out
}

func TestHeartbeatsReachEveryPartition(t *testing.T) {
	topic := "hb-" + uuid.NewString()
	c := cluster(t, topic)
	reg := prometheus.NewRegistry()
	p, _ := newPublisher(t, c.ListenAddrs(), topic, reg)
	for part := range partitions {
		got := readPartition(t, c.ListenAddrs(), topic, part, func(es []*envelope.Envelope) bool { return len(es) >= 2 })
		for _, e := range got {
			if e.Kind != envelope.KindHeartbeat || e.Instance != p.Instance() || e.Final {
				t.Fatalf("partition %d: unexpected %+v", part, e)
			}
		}
		if got[1].LowWatermark.Before(got[0].LowWatermark) {
			t.Fatalf("partition %d: low watermark went back: %v then %v", part, got[0].LowWatermark, got[1].LowWatermark)
		}
	}
	if n := testutil.ToFloat64(p.m.heartbeats.WithLabelValues("ok")); n < 1 {
		t.Fatalf("heartbeat counter = %v", n)
	}
}

// TestPublishThenHeartbeatOrder: statements are keyed by id, and the first
// heartbeat whose low watermark passes a statement's stored time sits at a
// higher offset than the statement in its partition.
func TestPublishThenHeartbeatOrder(t *testing.T) {
	topic := "pub-" + uuid.NewString()
	c := cluster(t, topic)
	p, tr := newPublisher(t, c.ListenAddrs(), topic, prometheus.NewRegistry())

	stored, done := tr.Begin(20)
	var envs []*envelope.Envelope
	want := map[uuid.UUID]bool{}
	for range 20 {
		e := statement(stored)
		envs = append(envs, e)
		want[e.ID] = true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Publish(ctx, envs); err != nil {
		t.Fatal(err)
	}
	done()

	seen := map[uuid.UUID]bool{}
	for part := range partitions {
		readPartition(t, c.ListenAddrs(), topic, part, func(es []*envelope.Envelope) bool {
			if len(es) == 0 {
				return false
			}
			e := es[len(es)-1]
			if e.Kind == envelope.KindStatement {
				if !want[e.ID] || seen[e.ID] || string(e.Statement) != `{"id":"`+e.ID.String()+`"}` {
					t.Fatalf("unexpected statement %v", e.ID)
				}
				seen[e.ID] = true
				return false
			}
			return e.LowWatermark.After(stored) // covers our statements: stop
		})
	}
	if len(seen) != len(want) {
		t.Fatalf("saw %d of %d statements before a covering heartbeat", len(seen), len(want))
	}
}

func TestCloseWritesFinalHeartbeat(t *testing.T) {
	topic := "final-" + uuid.NewString()
	c := cluster(t, topic)
	p, _ := newPublisher(t, c.ListenAddrs(), topic, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if p.Ready() {
		t.Fatal("closed publisher still ready")
	}
	if err := p.Publish(ctx, []*envelope.Envelope{statement(time.Now().UTC())}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Publish after Close: %v, want ErrUnavailable", err)
	}
	for part := range partitions {
		readPartition(t, c.ListenAddrs(), topic, part, func(es []*envelope.Envelope) bool {
			return len(es) > 0 && es[len(es)-1].Final
		})
	}
}

func TestNotReadyWithoutBroker(t *testing.T) {
	o := options([]string{"127.0.0.1:1"}, "nowhere")
	o.PublishTimeout = 200 * time.Millisecond
	p, err := NewKafka(o, inflight.New(nil), nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = p.Close(ctx)
	}()
	if p.Ready() {
		t.Fatal("ready without a broker")
	}
	err = p.Publish(context.Background(), []*envelope.Envelope{statement(time.Now().UTC())})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

// TestBrokerDownIsUnavailable: durable before acknowledged — when the broker
// goes away, Publish fails with ErrUnavailable within the publish timeout.
func TestBrokerDownIsUnavailable(t *testing.T) {
	topic := "down-" + uuid.NewString()
	c := cluster(t, topic)
	o := options(c.ListenAddrs(), topic)
	o.PublishTimeout = 500 * time.Millisecond
	tr := inflight.New(nil)
	reg := prometheus.NewRegistry()
	p, err := NewKafka(o, tr, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = p.Close(ctx)
	}()
	waitFor(t, 10*time.Second, "ready", p.Ready)
	c.Close()

	stored, done := tr.Begin(1)
	defer done()
	start := time.Now()
	err = p.Publish(context.Background(), []*envelope.Envelope{statement(stored)})
	took := time.Since(start)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if took > o.PublishTimeout+500*time.Millisecond {
		t.Fatalf("Publish took %v, publish timeout is %v", took, o.PublishTimeout)
	}
	if n := testutil.ToFloat64(p.m.produceErrors); n != 1 {
		t.Fatalf("produce errors = %v", n)
	}
	if n, err := testutil.GatherAndCount(reg, "lrs_ingest_produce_duration_seconds"); err != nil || n != 1 {
		t.Fatalf("produce duration series = %d, %v", n, err)
	}
}

func TestMetricsOnInjectedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	o := options([]string{"127.0.0.1:1"}, "x")
	p, err := NewKafka(o, inflight.New(nil), nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	if _, err := NewKafka(o, inflight.New(nil), nil, reg); err == nil || !strings.Contains(err.Error(), "register") {
		t.Fatalf("second registration on one registry: %v", err)
	}
}
