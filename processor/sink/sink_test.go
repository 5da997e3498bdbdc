package sink

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

var eng store.Engine

func TestMain(m *testing.M) { chdbtest.MainNoLeaks(m, func(e *chdb.Engine) { eng = e }) }

// recorder records the tables inserted into, in order, and can fail inserts
// into one table.
type recorder struct {
	store.Engine
	mu     sync.Mutex
	tables []string
	failOn string
}

func (r *recorder) Insert(ctx context.Context, b *store.Batch) error {
	r.mu.Lock()
	r.tables = append(r.tables, b.Table)
	r.mu.Unlock()
	if b.Table == r.failOn {
		return fmt.Errorf("injected failure on %s", b.Table)
	}
	return r.Engine.Insert(ctx, b)
}

func newDB(t *testing.T) string {
	t.Helper()
	return chdbtest.Database(t, eng)
}

const stmtWithDefs = `{"id":"%s","actor":{"mbox":"mailto:ann@example.com"},
 "verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed"}},
 "object":{"id":"http://example.com/a","definition":{"name":{"en-US":"A %s","de":"A"},"type":"http://example.com/t"}},
 "context":{"contextActivities":{
   "parent":{"id":"http://example.com/p","definition":{"name":{"en":"P"}}},
   "grouping":[{"id":"http://example.com/g"},{"id":"http://example.com/g2","definition":{"description":{"en":"G2"}}}]}},
 "stored":"2024-03-01T10:00:00.000Z","timestamp":"2024-03-01T10:00:00.000Z","version":"1.0.0",
 "authority":{"objectType":"Agent","account":{"homePage":"http://lrs","name":"acme"}}}`

const subWithDefs = `{"id":"%s","actor":{"mbox":"mailto:ann@example.com"},
 "verb":{"id":"http://example.com/planned","display":{"en":"planned %s"}},
 "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:bob@example.com"},"verb":{"id":"http://example.com/v"},
   "object":{"id":"http://example.com/s","definition":{"name":{"en":"S"}}},
   "context":{"contextActivities":{"category":[{"id":"http://example.com/c","definition":{"type":"http://example.com/ct"}}]}}},
 "stored":"2024-03-01T10:00:01.000Z","timestamp":"2024-03-01T10:00:01.000Z","version":"1.0.0",
 "authority":{"objectType":"Agent","account":{"homePage":"http://lrs","name":"acme"}}}`

func envOf(t *testing.T, body string, stored time.Time) *envelope.Envelope {
	t.Helper()
	id := uuid.New()
	raw := []byte(fmt.Sprintf(body, id, id.String()[:4]))
	if _, err := xapi.DecodeStatement(raw); err != nil {
		t.Fatal(err)
	}
	return &envelope.Envelope{V: 1, Kind: envelope.KindStatement, Tenant: "acme", ID: id, Stored: stored,
		XAPIVersion: "1.0.3", ContentHash: "h-" + id.String(), Statement: raw,
		Authority: []byte(`{"objectType":"Agent","account":{"homePage":"http://lrs","name":"acme"}}`)}
}

// Data 2.4.4.1 (Activity definitions): every Activity carrying a definition —
// object, context activities in object and array form, and those of a
// SubStatement — is collected as the parts of its definition.
func TestActivityDefinitionsCollected(t *testing.T) {
	env := envOf(t, stmtWithDefs, time.Now())
	row, err := Row(env)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(row.DefinitionParts)
	want := fmt.Sprintf(`[{http://example.com/a name de {"de":"A"}} {http://example.com/a name en-us {"en-US":"A %s"}} `+
		`{http://example.com/a type  "http://example.com/t"} {http://example.com/p name en {"en":"P"}} `+
		`{http://example.com/g2 description en {"en":"G2"}}]`, env.ID.String()[:4])
	if got != want {
		t.Errorf("definition parts\n got %s\nwant %s", got, want)
	}
	row, err = Row(envOf(t, subWithDefs, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(row.DefinitionParts), `[{http://example.com/s name en {"en":"S"}} {http://example.com/c type  "http://example.com/ct"}]`; got != want {
		t.Errorf("SubStatement definition parts\n got %s\nwant %s", got, want)
	}
}

// definitions reads the canonical definition of every Activity of tenant
// acme: the latest row of each part, merged.
func definitions(t *testing.T, db string) map[string]string {
	t.Helper()
	rows, err := eng.Query(context.Background(), store.SQL("SELECT activity_id, field, key, argMax(value, stored), max(stored) FROM "+
		store.Table(db, "activity_definition_parts")+" WHERE tenant = 'acme' GROUP BY activity_id, field, key"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	parts := map[string][]xapi.StoredDefinitionPart{}
	for rows.Next() {
		var id string
		var p xapi.StoredDefinitionPart
		if err := rows.Scan(&id, &p.Field, &p.Key, &p.Value, &p.Stored); err != nil {
			t.Fatal(err)
		}
		parts[id] = append(parts[id], p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for id, ps := range parts {
		b, err := xapi.Marshal(xapi.MergeDefinition(ps))
		if err != nil {
			t.Fatal(err)
		}
		out[id] = string(b)
	}
	return out
}

// Definitions are inserted before the statements, in the same Write: a
// failure of the definitions insert stores nothing (the batch is retried),
// and the latest stored definition is the canonical one.
// The definitions travel in the one statements insert: a failed insert
// stores neither, a successful one both, and a redelivered copy inserts
// nothing.
func TestWriteStoresDefinitionsWithTheStatements(t *testing.T) {
	db := newDB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rec := &recorder{Engine: eng, failOn: store.Table(db, "statements_in")}
	s, err := New(rec, db, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	first, sub := envOf(t, stmtWithDefs, t0), envOf(t, subWithDefs, t0.Add(time.Second))
	if _, err := s.Write(context.Background(), "", []*envelope.Envelope{first, sub}); err == nil || !store.IsTransient(err) {
		t.Fatalf("failed insert: err %v, want a transient error", err)
	}
	if defs := definitions(t, db); len(defs) != 0 {
		t.Fatalf("definitions stored by a failed insert: %v", defs)
	}
	rec.failOn, rec.tables = "", nil
	if rej, err := s.Write(context.Background(), "", []*envelope.Envelope{first, sub}); err != nil || len(rej) != 0 {
		t.Fatalf("Write: %v %v", rej, err)
	}
	if want := fmt.Sprint([]string{store.Table(db, "statements_in")}); fmt.Sprint(rec.tables) != want {
		t.Fatalf("inserts %v, want one: %s", rec.tables, want)
	}
	later := envOf(t, stmtWithDefs, t0.Add(time.Minute))
	if _, err := s.Write(context.Background(), "", []*envelope.Envelope{later}); err != nil {
		t.Fatal(err)
	}
	defs := definitions(t, db)
	if len(defs) != 5 {
		t.Errorf("definitions %v, want a, p, g2, s, c", defs)
	}
	if want := fmt.Sprintf(`{"name":{"de":"A","en-US":"A %s"},"type":"http://example.com/t"}`, later.ID.String()[:4]); defs["http://example.com/a"] != want {
		t.Errorf("canonical a = %s, want the latest %s", defs["http://example.com/a"], want)
	}
	// A redelivered copy is skipped, and so is its insert.
	rec.tables = nil
	if _, err := s.Write(context.Background(), "", []*envelope.Envelope{later}); err != nil {
		t.Fatal(err)
	}
	if len(rec.tables) != 0 {
		t.Errorf("redelivered copy inserted into %v", rec.tables)
	}
}
