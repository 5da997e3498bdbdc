package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

func testMigrate(t *testing.T, e store.Engine, db string) {
	if err := store.CheckSchema(ctx(t), e, db); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("CheckSchema before Migrate = %v, want ErrSchemaOutdated", err)
	}
	ms, err := store.Migrations(db)
	if err != nil {
		t.Fatal(err)
	}
	var all []uint32
	for _, m := range ms {
		all = append(all, m.Version)
	}
	applied, err := store.Migrate(ctx(t), e, db)
	if err != nil {
		t.Fatalf("first Migrate: %v", err)
	}
	if !slices.Equal(applied, all) {
		t.Fatalf("first Migrate applied %v, want %v", applied, all)
	}
	applied, err = store.Migrate(ctx(t), e, db)
	if err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, want nothing", applied)
	}
	if err := store.CheckSchema(ctx(t), e, db); err != nil {
		t.Fatalf("CheckSchema after Migrate: %v", err)
	}
	var n uint64
	queryOne(t, e, "SELECT count() FROM "+store.Table(db, "schema_migrations")+" FINAL", &n)
	if n != uint64(len(ms)) {
		t.Fatalf("schema_migrations holds %d versions, want %d", n, len(ms))
	}
	// Every statement is idempotent on its own: re-running a migration that
	// was cut short before it was recorded, on the schema it was applied
	// to, must succeed. (A later migration may drop what an earlier one
	// created or read, such as the columns migration 0017 drops: an earlier
	// migration is never run again after a later one.)
	step := Database(t)
	steps, err := store.Migrations(step)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range steps {
		if _, err := store.MigrateTo(ctx(t), e, step, m.Version); err != nil {
			t.Fatalf("MigrateTo %d: %v", m.Version, err)
		}
		for i, stmt := range m.Statements {
			if err := e.Exec(ctx(t), stmt); err != nil {
				t.Errorf("migration %s statement %d is not idempotent: %v", m.Name, i+1, err)
			}
		}
	}
}

// stmt is one row of statements_in.
type stmt struct {
	id, registration, voids          uuid.UUID
	verb, objectType, objectID       string
	agents, relAgents, relActivities []string
}

// indexKeys is what statement_index_keys_mv must derive from s (see
// 0001_statements.sql, 0012_index_authority.sql and 0016_index_rows.sql):
// a related agent or activity that is also the statement's agent or object
// gets no row of its own.
func (s stmt) indexKeys() []string {
	var out []string
	add := func(kind string, keys ...string) {
		for _, k := range keys {
			out = append(out, s.id.String()+" "+kind+" "+k)
		}
	}
	add("agent", s.agents...)
	for _, k := range s.relAgents {
		if !slices.Contains(s.agents, k) {
			add("related_agent", k)
		}
	}
	add("verb", s.verb)
	if s.objectType == "Activity" {
		add("activity", s.objectID)
	}
	for _, k := range s.relActivities {
		if s.objectType != "Activity" || k != s.objectID {
			add("related_activity", k)
		}
	}
	if s.registration != uuid.Nil {
		add("registration", s.registration.String())
	}
	if s.voids != uuid.Nil {
		add("voids", s.voids.String())
	}
	if s.objectType == "StatementRef" {
		add("statementref", strings.ToLower(s.objectID))
	}
	return out
}

func testStatementsIn(t *testing.T, e store.Engine, db string) {
	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	alice, bob := `mbox:mailto:alice@example.com`, `account:https://idp.example.com|bob`
	act1, act2 := "https://example.com/act/1", "https://example.com/act/2"
	a := stmt{id: uuid.New(), registration: uuid.New(), verb: "http://adlnet.gov/expapi/verbs/completed",
		objectType: "Activity", objectID: act1,
		agents: []string{alice}, relAgents: []string{alice, bob}, relActivities: []string{act1, act2}}
	b := stmt{id: uuid.New(), verb: "http://adlnet.gov/expapi/verbs/mentored",
		objectType: "Agent", objectID: bob,
		agents: []string{alice, bob}, relAgents: []string{alice, bob}}
	c := stmt{id: uuid.New(), voids: a.id, verb: "http://adlnet.gov/expapi/verbs/voided",
		objectType: "StatementRef", objectID: a.id.String(),
		agents: []string{bob}, relAgents: []string{bob}}
	in := []stmt{a, b, c}
	stored := time.Date(2025, 1, 2, 3, 4, 5, 6e6, time.UTC)
	if err := e.Insert(ctx(t), statementsBatch(store.Table(db, "statements_in"), in, stored)); err != nil {
		t.Fatalf("Insert into statements_in: %v", err)
	}

	var want []string
	for _, s := range in {
		want = append(want, s.indexKeys()...)
	}
	var got []string
	queryRows(t, e, "SELECT toString(id), kind, key, stored, verb FROM "+store.Table(db, "statement_index"), func(r store.Rows) error {
		var id, kind, key, verb string
		var st time.Time
		if err := r.Scan(&id, &kind, &key, &st, &verb); err != nil {
			return err
		}
		if !st.Equal(stored) {
			t.Errorf("statement_index %s %s stored = %v, want %v", id, kind, st, stored)
		}
		got = append(got, id+" "+kind+" "+key)
		return nil
	})
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("statement_index rows:\n got %q\nwant %q", got, want)
	}

	for _, tbl := range []string{"statements", "statement_ids"} {
		var ids []string
		queryRows(t, e, "SELECT toString(id) FROM "+store.Table(db, tbl)+" ORDER BY toString(id)", func(r store.Rows) error {
			var id string
			ids = append(ids, id)
			return r.Scan(&ids[len(ids)-1])
		})
		wantIDs := []string{a.id.String(), b.id.String(), c.id.String()}
		slices.Sort(wantIDs)
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("%s ids = %v, want %v", tbl, ids, wantIDs)
		}
	}
	var raw, hash string
	byID := store.Params{{Name: "id", Value: c.id}}
	queryOneQ(t, e, store.Query{Text: "SELECT raw FROM " + store.Table(db, "statements") + " WHERE id = {id:UUID}", Params: byID}, &raw)
	queryOneQ(t, e, store.Query{Text: "SELECT content_hash FROM " + store.Table(db, "statement_ids") + " WHERE id = {id:UUID}", Params: byID}, &hash)
	if raw != rawOf(c) || hash != "hash-"+c.id.String() {
		t.Errorf("statement %s: raw %q, content hash %q", c.id, raw, hash)
	}
	// Migration 0017: statements keeps the bytes and their position only.
	var cols []string
	queryOneQ(t, e, store.Query{Text: "SELECT groupArray(name) FROM (SELECT name FROM system.columns WHERE database = {db:String}" +
		" AND table = 'statements' ORDER BY position)", Params: store.Params{{Name: "db", Value: db}}}, &cols)
	if want := []string{"tenant", "id", "stored", "raw"}; !slices.Equal(cols, want) {
		t.Errorf("statements columns %q, want %q", cols, want)
	}
}

func rawOf(s stmt) string { return fmt.Sprintf(`{"id":%q,"verb":{"id":%q}}`, s.id, s.verb) }

func statementsBatch(table string, in []stmt, stored time.Time) *store.Batch {
	n := len(in)
	tenant, version, authority := make([]string, n), make([]string, n), make([]string, n)
	ids, regs, voids := make([]uuid.UUID, n), make([]uuid.UUID, n), make([]uuid.UUID, n)
	storedCol, ts := make([]time.Time, n), make([]time.Time, n)
	verb, otype, oid, hash, raw := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	agents, relAgents, relActs := make([][]string, n), make([][]string, n), make([][]string, n)
	for i, s := range in {
		tenant[i], version[i], authority[i] = "t1", "1.0.3", `{"mbox":"mailto:lrs@example.com"}`
		ids[i], regs[i], voids[i] = s.id, s.registration, s.voids
		storedCol[i], ts[i] = stored, stored.Add(-time.Minute)
		verb[i], otype[i], oid[i] = s.verb, s.objectType, s.objectID
		hash[i], raw[i] = "hash-"+s.id.String(), rawOf(s)
		agents[i], relAgents[i], relActs[i] = s.agents, s.relAgents, s.relActivities
		if relActs[i] == nil {
			relActs[i] = []string{}
		}
	}
	return &store.Batch{Table: table, Columns: []store.Column{
		{Name: "tenant", Data: tenant}, {Name: "id", Data: ids}, {Name: "stored", Data: storedCol},
		{Name: "timestamp", Data: ts}, {Name: "version", Data: version}, {Name: "verb", Data: verb},
		{Name: "object_type", Data: otype}, {Name: "object_id", Data: oid}, {Name: "registration", Data: regs},
		{Name: "voids", Data: voids}, {Name: "agents", Data: agents}, {Name: "related_agents", Data: relAgents},
		{Name: "related_activities", Data: relActs}, {Name: "authority", Data: authority},
		{Name: "content_hash", Data: hash}, {Name: "raw", Data: raw},
	}}
}
