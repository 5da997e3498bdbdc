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

// testIndexAuthorityBackfill stores statements with the schema of migration
// 0010, as a build of that time wrote them, then migrates: every row stored
// before gets the authority of its owner and of the statement it describes,
// StatementRef statements get their statementref row, and the replaced
// views index new statements once, with their authorities (migration 0012).
func testIndexAuthorityBackfill(t *testing.T, e store.Engine, db string) {
	if _, err := store.MigrateTo(ctx(t), e, db, 10); err != nil {
		t.Fatalf("MigrateTo 10: %v", err)
	}
	k1, k2 := "account:https://lrs|k1", "account:https://lrs|k2"
	stored := time.Date(2025, 6, 7, 8, 9, 10, 11e6, time.UTC)
	row := func(n int, auth, objType, objID string) store.StatementRow {
		return store.StatementRow{Tenant: "t", ID: uuid.New(), Stored: stored.Add(time.Duration(n) * time.Second),
			Timestamp: stored, Verb: fmt.Sprintf("http://example.com/verbs/%d", n), ObjectType: objType, ObjectID: objID,
			Agents: []string{"mbox:mailto:ann@example.com"}, ContentHash: "h", Raw: []byte("{}"), AuthorityKey: auth}
	}
	target := row(1, k2, "Activity", "https://example.com/a")
	referrer := row(2, k1, "StatementRef", strings.ToUpper(target.ID.String()))
	referrer.Inherited = store.OwnIndexRows(&target)
	anonymous := row(3, "", "StatementRef", target.ID.String()) // an authority without IFI
	anonymous.Inherited = store.OwnIndexRows(&target)
	insertAsOf(t, e, db, []store.StatementRow{target, referrer, anonymous})

	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	later := row(4, k1, "StatementRef", target.ID.String())
	if err := e.Insert(ctx(t), store.StatementBatch(db, []store.StatementRow{later})); err != nil {
		t.Fatalf("Insert after Migrate: %v", err)
	}
	names := map[uuid.UUID]string{target.ID: "target", referrer.ID: "referrer", anonymous.ID: "anonymous", later.ID: "later"}
	var got []string
	queryRows(t, e, "SELECT id, kind, key, via, authority_key, via_authority_key FROM "+store.Table(db, "statement_index")+
		" FINAL WHERE kind IN ('verb', 'authority', 'statementref')", func(r store.Rows) error {
		var id, via uuid.UUID
		var kind, key, auth, viaAuth string
		if err := r.Scan(&id, &kind, &key, &via, &auth, &viaAuth); err != nil {
			return err
		}
		if kind == "statementref" {
			key = names[uuid.MustParse(key)]
		}
		got = append(got, fmt.Sprintf("%s %s %s via %s: %s %s", names[id], kind, strings.TrimPrefix(key, "http://example.com/verbs/"),
			names[via], auth, viaAuth))
		return nil
	})
	want := []string{
		"target verb 1 via : " + k2 + " " + k2,
		"target authority " + k2 + " via : " + k2 + " " + k2,
		"referrer verb 2 via : " + k1 + " " + k1,
		"referrer verb 1 via target: " + k1 + " " + k2,
		"referrer authority " + k1 + " via : " + k1 + " " + k1,
		"referrer statementref target via : " + k1 + " " + k1,
		"anonymous verb 3 via :  ",
		"anonymous verb 1 via target:  ",
		"anonymous statementref target via :  ",
		"later verb 4 via : " + k1 + " " + k1,
		"later authority " + k1 + " via : " + k1 + " " + k1,
		"later statementref target via : " + k1 + " " + k1,
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("statement_index after migration:\n got %q\nwant %q", got, want)
	}
	var stale uint64
	queryOneQ(t, e, store.Query{Text: "SELECT count() FROM " + store.Table(db, "statement_index") + " WHERE id = {id:UUID}" +
		" AND authority_key = ''", Params: store.Params{{Name: "id", Value: later.ID}}}, &stale)
	if stale != 0 {
		t.Errorf("a statement stored after the migration has %d rows without authority (an old view still runs)", stale)
	}
}

// insertAsOf inserts rows with the columns statements_in has in db: what a
// build of that schema version wrote.
func insertAsOf(t *testing.T, e store.Engine, db string, rows []store.StatementRow) {
	t.Helper()
	has := map[string]bool{}
	queryRowsQ(t, e, store.Query{Text: "SELECT name FROM system.columns WHERE database = {db:String} AND table = 'statements_in'",
		Params: store.Params{{Name: "db", Value: db}}},
		func(r store.Rows) error {
			var name string
			err := r.Scan(&name)
			has[name] = true
			return err
		})
	b := store.StatementBatch(db, rows)
	b.Columns = slices.DeleteFunc(b.Columns, func(c store.Column) bool { return !has[c.Name] })
	if err := e.Insert(ctx(t), b); err != nil {
		t.Fatalf("Insert with the old schema: %v", err)
	}
}
