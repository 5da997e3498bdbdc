package sink

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Communication 4.2 (define): a statement stored with a credential that lacks
// the define scope does not update the canonical definitions of its
// Activities nor the names of its Agents.
func TestComm4_2_WithoutDefineNoCanonicalUpdates(t *testing.T) {
	env := envOf(t, stmtWithDefs, time.Now().UTC())
	row, err := Row(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(row.DefinitionParts) == 0 {
		t.Fatal("with define: no activity definitions collected")
	}
	env.NoDefine = true
	row, err = Row(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(row.DefinitionParts) != 0 || len(row.AgentNames) != 0 {
		t.Fatalf("without define: %d definitions, %d names", len(row.DefinitionParts), len(row.AgentNames))
	}
}

// definedColour is a statement defining http://example.com/colour with the
// name languages given (a JSON object body).
func definedColour(names string) string {
	return `{"id":"%s","actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://example.com/v","display":{"en":"%s"}},
 "object":{"id":"http://example.com/colour","definition":{"name":` + names + `}},
 "authority":{"objectType":"Agent","account":{"homePage":"http://lrs","name":"acme"}}}`
}

// Communication 2.5: the Activity Object holds "all available information
// from any statements that target that activityId": two statements naming an
// Activity in {en-GB, en-US} and {en-GB, fr-FR} leave all three languages,
// en-GB from the later one, also after ClickHouse has merged the rows.
func TestComm2_5_DefinitionLanguagesMergedAcrossStatements(t *testing.T) {
	db := newDB(t)
	s, err := New(eng, db, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	first := envOf(t, definedColour(`{"en-GB":"Colour (first)","en-US":"Color"}`), t0)
	second := envOf(t, definedColour(`{"en-gb":"Colour (second)","fr-FR":"Couleur"}`), t0.Add(time.Second))
	for _, env := range []*envelope.Envelope{first, second} {
		if rej, err := s.Write(context.Background(), "", []*envelope.Envelope{env}); err != nil || len(rej) != 0 {
			t.Fatalf("Write: %v %v", rej, err)
		}
	}
	want := `{"name":{"en-US":"Color","en-gb":"Colour (second)","fr-FR":"Couleur"}}`
	if got := definitions(t, db)["http://example.com/colour"]; got != want {
		t.Fatalf("before merge: %s, want %s", got, want)
	}
	if err := eng.Exec(context.Background(), store.SQL("OPTIMIZE TABLE "+store.Table(db, "activity_definition_parts")+" FINAL")); err != nil {
		t.Fatal(err)
	}
	if got := definitions(t, db)["http://example.com/colour"]; got != want {
		t.Fatalf("after merge: %s, want %s", got, want)
	}
}
