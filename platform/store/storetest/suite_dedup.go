package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// statementTables are the tables one insert into statements_in reaches.
var statementTables = []string{"statements", "statement_ids", "statement_index", "activity_definition_parts", "agent_names"}

// counts returns the row count of every table of statementTables.
func counts(t *testing.T, e store.Engine, db string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	for _, tbl := range statementTables {
		var n uint64
		queryOne(t, e, "SELECT count() FROM "+store.Table(db, tbl), &n)
		out[tbl] = n
	}
	return out
}

// dedupRows is a batch reaching every table of statementTables.
func dedupRows(n int) []store.StatementRow {
	stored := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rows := make([]store.StatementRow, n)
	for i := range rows {
		id := uuid.New()
		rows[i] = store.StatementRow{Tenant: "t1", ID: id, Stored: stored, Timestamp: stored,
			Version: "1.0.3", Verb: "http://adlnet.gov/expapi/verbs/completed", ObjectType: "Activity",
			ObjectID: "https://example.com/act/1", Registration: uuid.New(),
			Agents: []string{"mbox:mailto:a@example.com"}, RelatedAgents: []string{"mbox:mailto:a@example.com"},
			RelatedActivities: []string{"https://example.com/act/1"}, AuthorityKey: "account:https://lrs|k",
			ContentHash: "hash-" + id.String(), Raw: []byte(`{"id":"` + id.String() + `"}`),
			AgentNames:      []store.AgentName{{Key: "mbox:mailto:a@example.com", Name: "A"}},
			DefinitionParts: []store.DefinitionPart{{ActivityID: "https://example.com/act/1", Field: "name", Key: "en-US", Value: `"One"`}},
		}
	}
	return rows
}

// Issue 8 ("a batch is either wholly visible in every table or not"): an
// insert carrying a deduplication token stores its rows once in every table
// the materialized views feed, however often it is retried.
func testDedupTokenStoresABatchOnce(t *testing.T, e store.Engine, db string) {
	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	b := store.StatementBatch(db, dedupRows(3))
	b.DedupToken = "test:once"
	if err := e.Insert(ctx(t), b); err != nil {
		t.Fatal(err)
	}
	first := counts(t, e, db)
	for _, tbl := range statementTables {
		if first[tbl] == 0 {
			t.Fatalf("%s is empty after the insert: %v", tbl, first)
		}
	}
	if err := e.Insert(ctx(t), b); err != nil {
		t.Fatal(err)
	}
	if again := counts(t, e, db); !equalCounts(again, first) {
		t.Fatalf("the same token twice: %v, want %v", again, first)
	}
}

// Issue 8 (durability defect 1): an insert that fails between the views
// reaches some tables and not others; retried with the same token, it
// completes the others and repeats nothing.
func testDedupTokenRepairsAPartialInsert(t *testing.T, e store.Engine, db string) {
	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	// A view that fails while a row is in fail: the engine error injected
	// between the views.
	exec(t, e,
		"CREATE TABLE "+store.Table(db, "fail")+" (x UInt8) ENGINE = Memory",
		"CREATE TABLE "+store.Table(db, "sink_of_failing_view")+" (id UUID) ENGINE = MergeTree ORDER BY id",
		"CREATE MATERIALIZED VIEW "+store.Table(db, "failing_mv")+" TO "+store.Table(db, "sink_of_failing_view")+
			" AS SELECT id FROM "+store.Table(db, "statements_in")+
			" WHERE throwIf((SELECT count() FROM "+store.Table(db, "fail")+") > 0, 'injected failure') = 0",
		"INSERT INTO "+store.Table(db, "fail")+" VALUES (1)")
	rows := dedupRows(4)
	b := store.StatementBatch(db, rows)
	b.DedupToken = "test:repair"
	if err := e.Insert(ctx(t), b); err == nil {
		t.Fatal("insert with the failing view: want an error")
	}
	partial := counts(t, e, db)
	exec(t, e, "TRUNCATE TABLE "+store.Table(db, "fail"))
	if err := e.Insert(ctx(t), b); err != nil {
		t.Fatalf("retry: %v", err)
	}
	repaired := counts(t, e, db)
	// The same rows into a fresh database, in one successful insert: what
	// every table must hold.
	clean := Database(t)
	if _, err := store.Migrate(ctx(t), e, clean); err != nil {
		t.Fatal(err)
	}
	if err := e.Insert(ctx(t), store.StatementBatch(clean, rows)); err != nil {
		t.Fatal(err)
	}
	if want := counts(t, e, clean); !equalCounts(repaired, want) {
		t.Fatalf("after the failed attempt %v and the retry: %v, want %v", partial, repaired, want)
	}
	if err := e.Insert(ctx(t), b); err != nil {
		t.Fatal(err)
	}
	if again := counts(t, e, db); !equalCounts(again, repaired) {
		t.Fatalf("a third attempt changed %v into %v", repaired, again)
	}
}

func equalCounts(a, b map[string]uint64) bool {
	for _, tbl := range statementTables {
		if a[tbl] != b[tbl] {
			return false
		}
	}
	return true
}
