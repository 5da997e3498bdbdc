package progress

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/watermark"
)

var eng store.Engine

func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { eng = e }) }

func database(t testing.TB) string {
	t.Helper()
	db := "progress_" + uuid.NewString()[:8]
	// The real DDL of consumer_progress. (store.Migrate is not used: it is
	// being worked on elsewhere and its record INSERT fails on chDB.)
	ctx := context.Background()
	if err := eng.Exec(ctx, store.SQL("CREATE DATABASE "+store.Ident(db))); err != nil {
		t.Fatal(err)
	}
	ms, err := store.Migrations(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version != 2 && m.Version != 15 {
			continue
		}
		for _, stmt := range m.Statements {
			if err := eng.Exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
		}
	}
	return db
}

func heartbeat(inst string, lwMs int64) *envelope.Envelope {
	return &envelope.Envelope{V: 1, Kind: envelope.KindHeartbeat, Instance: inst, LowWatermark: time.UnixMilli(lwMs).UTC()}
}

// TestWriteLoadAndConsistentThrough runs the writer and the query-side reader
// against chDB with the real migrations.
func TestWriteLoadAndConsistentThrough(t *testing.T) {
	ctx := context.Background()
	db := database(t)
	s := New(eng, db)
	const topic = "stmts"

	if _, ok, err := store.ConsistentThrough(ctx, eng, db, topic); err != nil || ok {
		t.Fatalf("empty table: ok=%v err=%v", ok, err)
	}
	p0, p1, p2 := watermark.New(), watermark.New(), watermark.New()
	p0.Apply(10, heartbeat("a", 5000), time.Minute)
	p1.Apply(20, heartbeat("a", 4000), time.Minute)
	if err := s.Write(ctx, topic, 3, map[int]*watermark.Partition{0: p0, 1: p1, 2: p2}, nil); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := store.ConsistentThrough(ctx, eng, db, topic); err != nil || ok && !got.Equal(time.Unix(0, 0)) {
		t.Fatalf("partition 2 without a heartbeat: %v ok=%v err=%v, want nothing promised (the epoch)", got, ok, err)
	}
	p2.Apply(3, heartbeat("a", 4500), time.Minute)
	p1.Apply(21, heartbeat("a", 6000), time.Minute) // newer row replaces the old one
	if err := s.Write(ctx, topic, 3, map[int]*watermark.Partition{1: p1, 2: p2}, nil); err != nil {
		t.Fatal(err)
	}
	got, ok, err := store.ConsistentThrough(ctx, eng, db, topic)
	if err != nil || !ok || !got.Equal(time.UnixMilli(4499).UTC()) {
		t.Fatalf("ConsistentThrough = %v, %v, %v; want 4.499 s", got, ok, err)
	}

	loaded, err := s.Load(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 3 || loaded[1].State.Offset != 21 || loaded[0].State.Offset != 10 || loaded[0].Intent != nil {
		t.Fatalf("loaded %+v", loaded)
	}
	if w, _ := loaded[1].State.Watermark(); !w.Equal(time.UnixMilli(5999).UTC()) {
		t.Fatalf("loaded watermark of partition 1 = %v", w)
	}
	if other, err := s.Load(ctx, "other"); err != nil || len(other) != 0 {
		t.Fatalf("other topic: %v %v", other, err)
	}
}

// Issue 8: the intent of a batch is recorded in the row of each of its
// partitions with the state before the batch, loaded back whole, and cleared
// by the next write of the partition; the watermark stays where it was.
func TestIssue8_IntentRecordedAndClearedPerPartition(t *testing.T) {
	ctx := context.Background()
	db := database(t)
	s := New(eng, db)
	const topic = "stmts"
	p0, p1 := watermark.New(), watermark.New()
	p0.Apply(4, heartbeat("a", 5000), time.Minute)
	p1.Apply(7, heartbeat("a", 5000), time.Minute)
	if err := s.Write(ctx, topic, 2, map[int]*watermark.Partition{0: p0, 1: p1}, nil); err != nil {
		t.Fatal(err)
	}
	in := &consumer.Intent{Token: "kafka:stmts:0@5-9:1@8-8", Spans: []consumer.Span{{Partition: 0, First: 5, Last: 9}, {Partition: 1, First: 8, Last: 8}}}
	if err := s.Write(ctx, topic, 2, map[int]*watermark.Partition{0: p0, 1: p1}, in); err != nil {
		t.Fatal(err)
	}
	loaded, err := s.Load(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	for p, off := range map[int]int64{0: 4, 1: 7} {
		got := loaded[p]
		if got.Intent == nil || !reflect.DeepEqual(*got.Intent, *in) || got.State.Offset != off {
			t.Fatalf("partition %d: intent %+v, state offset %d", p, got.Intent, got.State.Offset)
		}
	}
	if w, ok, err := store.ConsistentThrough(ctx, eng, db, topic); err != nil || !ok || !w.Equal(time.UnixMilli(4999).UTC()) {
		t.Fatalf("ConsistentThrough with the intent = %v, %v, %v; want 4.999 s", w, ok, err)
	}
	p0.Apply(9, heartbeat("a", 6000), time.Minute)
	if err := s.Write(ctx, topic, 2, map[int]*watermark.Partition{0: p0}, nil); err != nil {
		t.Fatal(err)
	}
	if loaded, err = s.Load(ctx, topic); err != nil {
		t.Fatal(err)
	}
	if loaded[0].Intent != nil || loaded[0].State.Offset != 9 || loaded[1].Intent == nil {
		t.Fatalf("after the write of partition 0: %+v %+v", loaded[0], loaded[1])
	}
}

// BenchmarkWriteIntent measures what recording a batch's intent adds to
// each batch: one progress write of the batch's partitions (12, the default
// partition count) before its insert.
func BenchmarkWriteIntent(b *testing.B) {
	ctx := context.Background()
	db := database(b)
	s := New(eng, db)
	states := map[int]*watermark.Partition{}
	in := &consumer.Intent{Token: "kafka:stmts"}
	for p := range 12 {
		st := watermark.New()
		st.Apply(100, heartbeat("a", 5000), time.Minute)
		states[p] = st
		in.Spans = append(in.Spans, consumer.Span{Partition: p, First: 101, Last: 5000})
	}
	b.ResetTimer()
	for range b.N {
		if err := s.Write(ctx, "stmts", 12, states, in); err != nil {
			b.Fatal(err)
		}
	}
}
