package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// testIndexRowsMirrorTheView checks that store.OwnIndexRows (what the
// processor copies to a statement targeting another) equals what
// statement_index_mv writes for a statement, and that inherited rows land in
// statement_index under the referring statement with their via.
func testIndexRowsMirrorTheView(t *testing.T, e store.Engine, db string) {
	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	stored := time.Date(2025, 6, 7, 8, 9, 10, 11e6, time.UTC)
	target := store.StatementRow{Tenant: "t", ID: uuid.New(), Stored: stored, Timestamp: stored,
		Verb: "http://adlnet.gov/expapi/verbs/completed", ObjectType: "Activity", ObjectID: "https://example.com/a",
		Registration: uuid.New(), Agents: []string{"mbox:mailto:ann@example.com"},
		RelatedAgents:     []string{"mbox:mailto:ann@example.com", "account:https://lrs|k"},
		RelatedActivities: []string{"https://example.com/a", "https://example.com/course"}, ContentHash: "h", Raw: []byte("{}")}
	referrer := store.StatementRow{Tenant: "t", ID: uuid.New(), Stored: stored.Add(time.Second), Timestamp: stored,
		Verb: "http://example.com/verbs/confirmed", ObjectType: "StatementRef", ObjectID: target.ID.String(),
		Agents: []string{"mbox:mailto:bob@example.com"}, RelatedAgents: []string{"mbox:mailto:bob@example.com"},
		ContentHash: "h", Raw: []byte("{}"), Inherited: store.OwnIndexRows(&target)}
	if err := e.Insert(ctx(t), store.StatementBatch(db, []store.StatementRow{target, referrer})); err != nil {
		t.Fatalf("Insert: %v", err)
	}
	render := func(id uuid.UUID, x store.IndexRow, via uuid.UUID) string {
		ags := slices.Clone(x.Agents)
		slices.Sort(ags)
		return fmt.Sprintf("%s %s %s %s %s %s [%s] %s", id, x.Kind, x.Key, x.Verb, x.Registration, x.ObjectID, strings.Join(ags, ","), via)
	}
	var want []string
	for _, x := range store.OwnIndexRows(&target) {
		want = append(want, render(target.ID, x, uuid.Nil))
	}
	for _, x := range store.OwnIndexRows(&referrer) {
		want = append(want, render(referrer.ID, x, uuid.Nil))
	}
	for _, x := range referrer.Inherited {
		want = append(want, render(referrer.ID, x, target.ID))
	}
	var got []string
	queryRows(t, e, "SELECT id, kind, key, verb, registration, object_id, agents, via FROM "+
		store.Table(db, "statement_index")+" WHERE kind NOT IN ('voids', 'authority')", func(r store.Rows) error {
		var id, reg, via uuid.UUID
		var x store.IndexRow
		if err := r.Scan(&id, &x.Kind, &x.Key, &x.Verb, &reg, &x.ObjectID, &x.Agents, &via); err != nil {
			return err
		}
		x.Registration = reg
		got = append(got, render(id, x, via))
		return nil
	})
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("statement_index rows:\n got %q\nwant %q", got, want)
	}
}
