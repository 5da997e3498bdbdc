package definitions

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/schemas/store"
)

var engine *chdb.Engine

func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }

var update = flag.Bool("update", false, "rewrite the golden SQL files")

func TestSQLGolden(t *testing.T) {
	got := SQL("lrs", "acme", []string{"http://example.com/act/1", "http://x/'quoted"}).String() + "\n"
	path := filepath.Join("testdata", "definitions.sql")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("SQL differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

var t0 = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)

const colour = "http://example.com/colour"

// Communication 2.5 across an upgrade: a store migrated from a build that
// kept one whole definition per Activity (activity_definitions) keeps what
// it had, and what statements stored afterwards add merges with it, per
// language. A processor of the older build, still sending whole definitions
// during the upgrade, is merged the same way.
func TestComm2_5_UpgradedStoreKeepsDefinitions(t *testing.T) {
	ctx := context.Background()
	db := "t_upgrade_" + uuid.NewString()[:8]
	ms, err := store.Migrations(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Exec(ctx, store.SQL("CREATE DATABASE IF NOT EXISTS "+store.Ident(db))); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version > 10 { // the schema of the older build
			break
		}
		for _, s := range m.Statements {
			if err := engine.Exec(ctx, s); err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
		}
	}
	old := &store.Batch{Table: store.Table(db, "activity_definitions"), Columns: []store.Column{
		{Name: "tenant", Data: []string{"acme", "acme", "other"}},
		{Name: "activity_id", Data: []string{colour, colour, colour}},
		{Name: "definition", Data: []string{`{"name":{"en-GB":"Colour (oldest)"}}`,
			`{"name":{"en-GB":"Colour","en-US":"Color"},"type":"http://t/old"}`, `{"name":{"de":"Farbe"}}`}},
		{Name: "stored", Data: []time.Time{t0, t0.Add(time.Second), t0}},
	}}
	if err := engine.Insert(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, engine, db); err != nil {
		t.Fatal(err)
	}
	check := func(what, want string, stored time.Time) {
		t.Helper()
		got, err := Read(ctx, engine, db, "acme", []string{colour, "http://example.com/none"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[colour].JSON != want || !got[colour].Stored.Equal(stored) {
			t.Fatalf("%s: %+v, want %s stored %v", what, got, want, stored)
		}
	}
	check("carried over", `{"name":{"en-GB":"Colour","en-US":"Color"},"type":"http://t/old"}`, t0.Add(time.Second))
	// A statement stored by this build adds a language and replaces one.
	row := store.StatementRow{Tenant: "acme", ID: uuid.New(), Stored: t0.Add(time.Minute), Timestamp: t0, Raw: []byte("{}"),
		DefinitionParts: []store.DefinitionPart{
			{ActivityID: colour, Field: "name", Key: "en-gb", Value: `{"en-GB":"Colour (new)"}`},
			{ActivityID: colour, Field: "name", Key: "fr-fr", Value: `{"fr-FR":"Couleur"}`},
		}}
	if err := engine.Insert(ctx, store.StatementBatch(db, []store.StatementRow{row})); err != nil {
		t.Fatal(err)
	}
	check("merged with a new statement", `{"name":{"en-GB":"Colour (new)","en-US":"Color","fr-FR":"Couleur"},"type":"http://t/old"}`, t0.Add(time.Minute))
	// An older processor sends whole definitions in def_ids/def_bodies.
	legacy := &store.Batch{Table: store.Table(db, "statements_in"), Columns: []store.Column{
		{Name: "tenant", Data: []string{"acme"}}, {Name: "id", Data: []uuid.UUID{uuid.New()}},
		{Name: "stored", Data: []time.Time{t0.Add(time.Hour)}}, {Name: "timestamp", Data: []time.Time{t0}},
		{Name: "raw", Data: []string{"{}"}},
		{Name: "def_ids", Data: [][]string{{colour}}}, {Name: "def_bodies", Data: [][]string{{`{"type":"http://t/newest"}`}}},
	}}
	if err := engine.Insert(ctx, legacy); err != nil {
		t.Fatal(err)
	}
	check("merged with an older processor's", `{"name":{"en-GB":"Colour (new)","en-US":"Color","fr-FR":"Couleur"},"type":"http://t/newest"}`, t0.Add(time.Hour))
	if err := engine.Exec(ctx, store.SQL("OPTIMIZE TABLE "+store.Table(db, "activity_definition_parts")+" FINAL")); err != nil {
		t.Fatal(err)
	}
	check("after a merge", `{"name":{"en-GB":"Colour (new)","en-US":"Color","fr-FR":"Couleur"},"type":"http://t/newest"}`, t0.Add(time.Hour))
	other, err := Read(ctx, engine, db, "other", []string{colour})
	if err != nil || other[colour].JSON != `{"name":{"de":"Farbe"}}` {
		t.Fatalf("tenant other: %+v %v", other, err)
	}
}
