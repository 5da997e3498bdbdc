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
// statement_index_own_mv writes for a statement, that inherited rows land
// in statement_index under the referring statement with their via, and
// that every row carries the authority of its owner and of the statement it
// describes; a StatementRef also gets its statementref row.
func testIndexRowsMirrorTheView(t *testing.T, e store.Engine, db string) {
	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	stored := time.Date(2025, 6, 7, 8, 9, 10, 11e6, time.UTC)
	target := store.StatementRow{Tenant: "t", ID: uuid.New(), Stored: stored, Timestamp: stored,
		Verb: "http://adlnet.gov/expapi/verbs/completed", ObjectType: "Activity", ObjectID: "https://example.com/a",
		Registration: uuid.New(), Agents: []string{"mbox:mailto:ann@example.com"},
		RelatedAgents:     []string{"mbox:mailto:ann@example.com", "account:https://lrs|k"},
		RelatedActivities: []string{"https://example.com/a", "https://example.com/course"}, ContentHash: "h", Raw: []byte("{}"),
		AuthorityKey: "account:https://lrs|k2"}
	referrer := store.StatementRow{Tenant: "t", ID: uuid.New(), Stored: stored.Add(time.Second), Timestamp: stored,
		Verb: "http://example.com/verbs/confirmed", ObjectType: "StatementRef", ObjectID: strings.ToUpper(target.ID.String()),
		Agents: []string{"mbox:mailto:bob@example.com"}, RelatedAgents: []string{"mbox:mailto:bob@example.com"},
		ContentHash: "h", Raw: []byte("{}"), Inherited: store.OwnIndexRows(&target), AuthorityKey: "account:https://lrs|k1"}
	if err := e.Insert(ctx(t), store.StatementBatch(db, []store.StatementRow{target, referrer})); err != nil {
		t.Fatalf("Insert: %v", err)
	}
	render := func(id uuid.UUID, x store.IndexRow, via uuid.UUID, auth string) string {
		ags := slices.Clone(x.Agents)
		slices.Sort(ags)
		return fmt.Sprintf("%s %s %s %s %s [%s] %s %s %s", id, x.Kind, x.Key, x.Verb, x.ObjectID,
			strings.Join(ags, ","), via, auth, x.ViaAuthorityKey)
	}
	var want []string
	for _, x := range store.OwnIndexRows(&target) {
		want = append(want, render(target.ID, x, uuid.Nil, target.AuthorityKey))
	}
	for _, x := range store.OwnIndexRows(&referrer) {
		want = append(want, render(referrer.ID, x, uuid.Nil, referrer.AuthorityKey))
	}
	for _, x := range referrer.Inherited {
		want = append(want, render(referrer.ID, x, target.ID, referrer.AuthorityKey))
	}
	// The authority and statementref rows carry no filter columns.
	for _, r := range []store.StatementRow{target, referrer} {
		want = append(want, render(r.ID, store.IndexRow{Kind: "authority", Key: r.AuthorityKey, ViaAuthorityKey: r.AuthorityKey},
			uuid.Nil, r.AuthorityKey))
	}
	want = append(want, render(referrer.ID, store.IndexRow{Kind: "statementref", Key: target.ID.String(),
		ViaAuthorityKey: referrer.AuthorityKey}, uuid.Nil, referrer.AuthorityKey))
	var got []string
	var registrations uint64
	queryRows(t, e, "SELECT id, kind, key, verb, registration, object_id, agents, via, authority_key, via_authority_key FROM "+
		store.Table(db, "statement_index")+" WHERE kind != 'voids'", func(r store.Rows) error {
		var id, reg, via uuid.UUID
		var x store.IndexRow
		var auth string
		if err := r.Scan(&id, &x.Kind, &x.Key, &x.Verb, &reg, &x.ObjectID, &x.Agents, &via, &auth, &x.ViaAuthorityKey); err != nil {
			return err
		}
		if reg != uuid.Nil {
			registrations++
		}
		got = append(got, render(id, x, via, auth))
		return nil
	})
	if registrations != 0 {
		t.Errorf("%d statement_index rows carry a registration (a registration always drives: migration 0016)", registrations)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("statement_index rows:\n got %q\nwant %q", got, want)
	}
}
