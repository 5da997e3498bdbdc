package sink

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

func countIn(t *testing.T, db, table string, ids []uuid.UUID) uint64 {
	t.Helper()
	rows, err := eng.Query(context.Background(), store.Query{Text: "SELECT uniqExact(id) FROM " + store.Table(db, table) +
		" WHERE has({ids:Array(UUID)}, id)", Params: store.Params{{Name: "ids", Value: ids}}})
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

// partiallyFailingSink returns a database, a sink on it and the table that
// refuses rows (a constraint, as a full disk would refuse a part) while
// flag holds one, after a failed Write of batch under token left the state
// the disk-full report left behind: statement_ids holds the batch, the
// failing table does not. The engine runs a table's views in an order of
// its own, fixed per database: statements or statement_index fails, in new
// databases until its view runs after statement_ids'.
func partiallyFailingSink(t *testing.T, token string, batch []*envelope.Envelope, ids []uuid.UUID) (db string, s *Sink, failing, flag string) {
	t.Helper()
	ctx := context.Background()
	for attempt := range 16 {
		failing = []string{"statements", "statement_index"}[attempt%2]
		db = newDB(t)
		flag = store.Table(db, "failflag")
		for _, q := range []string{
			"CREATE TABLE " + flag + " (k UInt8, v UInt8) ENGINE = Join(ANY, LEFT, k)",
			"INSERT INTO " + flag + " VALUES (0, 1)",
			"ALTER TABLE " + store.Table(db, failing) + " ADD CONSTRAINT injected_failure CHECK isNull(joinGetOrNull(" +
				chdb.Literal(db+".failflag") + ", 'v', toUInt8(0))) OR sleep(0.5) != 0",
		} {
			if err := eng.Exec(ctx, store.SQL(q)); err != nil {
				t.Fatal(err)
			}
		}
		var err error
		if s, err = New(eng, db, slog.New(slog.DiscardHandler), prometheus.NewRegistry()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write(ctx, token, batch); err == nil || !store.IsTransient(err) {
			t.Fatalf("Write with %s failing: %v, want a transient error", failing, err)
		}
		if countIn(t, db, "statement_ids", ids) == uint64(len(ids)) {
			return db, s, failing, flag
		}
	}
	t.Fatal("in 16 databases statement_ids was written after statements and statement_index")
	return
}

// Issue 8, durability defect 1 ("disk full lost acknowledged statements"):
// an insert that fails after statement_ids was written but before the
// statements table was must not make its retry skip those ids as stored.
// Retried under the same token, every statement lands in every table;
// redelivered later under another token, none is stored twice.
func TestIssue8_RetryOfAPartialInsertStoresEveryStatement(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	var batch []*envelope.Envelope
	var ids []uuid.UUID
	for i := range 20 {
		env := envOf(t, stmtWithDefs, t0.Add(time.Duration(i)*time.Millisecond))
		batch = append(batch, env)
		ids = append(ids, env.ID)
	}
	const token = "test:batch-1"
	db, s, failing, flag := partiallyFailingSink(t, token, batch, ids)
	if got := countIn(t, db, failing, ids); got != 0 {
		t.Fatalf("the failed attempt wrote %d statements to %s", got, failing)
	}
	if err := eng.Exec(ctx, store.SQL("TRUNCATE TABLE "+flag)); err != nil {
		t.Fatal(err)
	}
	if rej, err := s.Write(ctx, token, batch); err != nil || len(rej) != 0 {
		t.Fatalf("retry: %v, rejected %v", err, rej)
	}
	for _, table := range []string{"statements", "statement_index", "statement_ids"} {
		if got := countIn(t, db, table, ids); got != uint64(len(ids)) {
			t.Fatalf("after the retry %s holds %d of %d statements", table, got, len(ids))
		}
	}
	// A redelivery under another token (a later batch holding the same
	// messages) is recognised as stored: no second copy.
	if rej, err := s.Write(ctx, "test:batch-2", batch); err != nil || len(rej) != 0 {
		t.Fatalf("redelivery: %v, rejected %v", err, rej)
	}
	var rows uint64
	res, err := eng.Query(ctx, store.Query{Text: "SELECT count() FROM " + store.Table(db, "statements") + " WHERE has({ids:Array(UUID)}, id)",
		Params: store.Params{{Name: "ids", Value: ids}}})
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
