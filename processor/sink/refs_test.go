package sink

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

const refStmt = `{"id":"%s","actor":{"mbox":"mailto:%s@example.com"},
 "verb":{"id":"http://example.com/verbs/confirmed"},
 "object":{"objectType":"StatementRef","id":"%s"},
 "stored":"2024-03-01T10:00:00.000Z","timestamp":"2024-03-01T10:00:00.000Z","version":"1.0.0",
 "authority":{"objectType":"Agent","account":{"homePage":"http://lrs","name":"acme"}}}`

const plainStmt = `{"id":"%s","actor":{"mbox":"mailto:ann@example.com"},
 "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"http://example.com/course"},
 "stored":"2024-03-01T10:00:00.000Z","timestamp":"2024-03-01T10:00:00.000Z","version":"1.0.0",
 "authority":{"objectType":"Agent","account":{"homePage":"http://lrs","name":"acme"}}}`

func refEnv(id uuid.UUID, body string, stored time.Time, args ...any) *envelope.Envelope {
	raw := []byte(fmt.Sprintf(body, append([]any{id}, args...)...))
	return &envelope.Envelope{V: 1, Kind: envelope.KindStatement, Tenant: "acme", ID: id, Stored: stored,
		XAPIVersion: "1.0.3", ContentHash: "h-" + id.String(), Statement: raw,
		Authority: []byte(`{"objectType":"Agent","account":{"homePage":"http://lrs","name":"acme"}}`)}
}

// matching returns the ids statement_index finds for kind and key.
func matching(t *testing.T, db, kind, key string) []uuid.UUID {
	t.Helper()
	rows, err := eng.Query(context.Background(), store.Query{Text: "SELECT DISTINCT id FROM " + store.Table(db, "statement_index") +
		" WHERE tenant = 'acme' AND kind = {kind:String} AND key = {key:String}",
		Params: store.Params{{Name: "kind", Value: kind}, {Name: "key", Value: key}}})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []uuid.UUID
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y uuid.UUID) int { return slices.Compare(x[:], y[:]) })
	return ids
}

// Communication 2.1.3 "Filter Conditions for StatementRefs": a statement
// targeting another by StatementRef inherits its index rows, recursively,
// whether the target was stored by an earlier batch or sits in the same one.
func TestComm2_1_3_StatementRefTargetsResolvedAtWrite(t *testing.T) {
	db := newDB(t)
	s, err := New(eng, db, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	a, r1, r2, r3, r4 := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	write := func(envs ...*envelope.Envelope) {
		t.Helper()
		if rej, err := s.Write(context.Background(), "", envs); err != nil || len(rej) != 0 {
			t.Fatalf("Write: %v, rejected %v", err, rej)
		}
	}
	write(refEnv(a, plainStmt, at))
	write(refEnv(r1, refStmt, at.Add(time.Second), "bob", a))     // target stored earlier
	write(refEnv(r2, refStmt, at.Add(2*time.Second), "carl", r1), // target of a target, from the store
		refEnv(r3, refStmt, at.Add(3*time.Second), "dan", r2),         // target in the same batch
		refEnv(r4, refStmt, at.Add(4*time.Second), "eve", uuid.New())) // target unknown: inherits nothing
	want := []uuid.UUID{a, r1, r2, r3}
	slices.SortFunc(want, func(x, y uuid.UUID) int { return slices.Compare(x[:], y[:]) })
	for _, c := range []struct{ kind, key string }{
		{"agent", "mbox:mailto:ann@example.com"},
		{"verb", "http://adlnet.gov/expapi/verbs/completed"},
		{"activity", "http://example.com/course"},
	} {
		if got := matching(t, db, c.kind, c.key); !slices.Equal(got, want) {
			t.Errorf("%s %s: %v, want %v", c.kind, c.key, got, want)
		}
	}
	// Each keeps its own rows too, and does not inherit from statements
	// that target it.
	if got := matching(t, db, "agent", "mbox:mailto:dan@example.com"); !slices.Equal(got, []uuid.UUID{r3}) {
		t.Errorf("dan: %v, want only r3", got)
	}
}
