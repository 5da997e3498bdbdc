package sink

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

func countIn(t *testing.T, db, table string, ids []uuid.UUID) uint64 {
	t.Helper()
	rows, err := eng.Query(context.Background(), "SELECT uniqExact(id) FROM "+store.Table(db, table)+
		" WHERE id IN ("+store.UUIDs(ids)+")")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// Issue 8, durability defect 1 ("disk full lost acknowledged statements"):
// an insert that fails after statement_ids was written but before the
// statements table was must not make its retry skip those ids as stored.
// Retried under the same token, every statement lands in every table;
// redelivered later under another token, none is stored twice.
func TestIssue8_RetryOfAPartialInsertStoresEveryStatement(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	// The engine error injected between the views: the statements table
	// refuses rows while failflag holds one (a constraint, as a full disk
	// would refuse a part), whatever the other views do.
	flag := store.Table(db, "failflag")
	for _, q := range []string{
		"CREATE TABLE " + flag + " (k UInt8, v UInt8) ENGINE = Join(ANY, LEFT, k)",
		"ALTER TABLE " + store.Table(db, "statements") + " ADD CONSTRAINT injected_failure CHECK isNull(joinGetOrNull(" +
			store.String(db+".failflag") + ", 'v', toUInt8(0)))",
		"INSERT INTO " + flag + " VALUES (0, 1)",
	} {
		if err := eng.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(eng, db, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	var batch []*envelope.Envelope
	var ids []uuid.UUID
	for i := range 20 {
		env := envOf(t, stmtWithDefs, t0.Add(time.Duration(i)*time.Millisecond))
		batch = append(batch, env)
		ids = append(ids, env.ID)
	}
	const token = "test:batch-1"
	// Which views run before the failing one varies from insert to insert:
	// fail until statement_ids holds the batch (the state the disk-full
	// report left behind).
	for attempt := 1; countIn(t, db, "statement_ids", ids) < uint64(len(ids)); attempt++ {
		if attempt > 50 {
			t.Fatal("50 failed inserts never reached statement_ids")
		}
		_, err := s.Write(ctx, token, batch)
		if err == nil || !store.IsTransient(err) {
			t.Fatalf("Write with the failing table: %v, want a transient error", err)
		}
	}
	if got := countIn(t, db, "statements", ids); got != 0 {
		t.Fatalf("the failed attempt wrote %d statements", got)
	}
	if err := eng.Exec(ctx, "TRUNCATE TABLE "+flag); err != nil {
		t.Fatal(err)
	}
	if rej, err := s.Write(ctx, token, batch); err != nil || len(rej) != 0 {
		t.Fatalf("retry: %v, rejected %v", err, rej)
	}
	if got := countIn(t, db, "statements", ids); got != uint64(len(ids)) {
		t.Fatalf("after the retry %d of %d statements are stored", got, len(ids))
	}
	// A redelivery under another token (a later batch holding the same
	// messages) is recognised as stored: no second copy.
	if rej, err := s.Write(ctx, "test:batch-2", batch); err != nil || len(rej) != 0 {
		t.Fatalf("redelivery: %v, rejected %v", err, rej)
	}
	var rows uint64
	res, err := eng.Query(ctx, "SELECT count() FROM "+store.Table(db, "statements")+" WHERE id IN ("+store.UUIDs(ids)+")")
	if err != nil {
		t.Fatal(err)
	}
	for res.Next() {
		_ = res.Scan(&rows)
	}
	res.Close()
	if rows != uint64(len(ids)) {
		t.Fatalf("statements holds %d rows for %d ids: a copy was stored twice", rows, len(ids))
	}
}
