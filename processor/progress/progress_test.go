package progress

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/processor/watermark"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store/chdb/chdbtest"
)

var eng store.Engine

func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { eng = e }) }

func database(t *testing.T) string {
	t.Helper()
	db := "progress_" + uuid.NewString()[:8]
	// The real DDL of consumer_progress. (store.Migrate is not used: it is
	// being worked on elsewhere and its record INSERT fails on chDB.)
	ctx := context.Background()
	if err := eng.Exec(ctx, "CREATE DATABASE "+store.Ident(db)); err != nil {
		t.Fatal(err)
	}
	ms, err := store.Migrations(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version != 2 {
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
	if err := s.Write(ctx, topic, 3, map[int]*watermark.Partition{0: p0, 1: p1, 2: p2}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := store.ConsistentThrough(ctx, eng, db, topic); err != nil || ok {
		t.Fatalf("partition 2 without a heartbeat: ok=%v err=%v, want not ok", ok, err)
	}
	p2.Apply(3, heartbeat("a", 4500), time.Minute)
	p1.Apply(21, heartbeat("a", 6000), time.Minute) // newer row replaces the old one
	if err := s.Write(ctx, topic, 3, map[int]*watermark.Partition{1: p1, 2: p2}); err != nil {
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
	if len(loaded) != 3 || loaded[1].Offset != 21 || loaded[0].Offset != 10 {
		t.Fatalf("loaded %+v", loaded)
	}
	if w, _ := loaded[1].Watermark(); !w.Equal(time.UnixMilli(5999).UTC()) {
		t.Fatalf("loaded watermark of partition 1 = %v", w)
	}
	if other, err := s.Load(ctx, "other"); err != nil || len(other) != 0 {
		t.Fatalf("other topic: %v %v", other, err)
	}
}
