package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Issue 8 ("skipping unchanged agent_names / definition parts rows"): of
// the statements of one batch giving an Agent the same name, or an
// Activity's definition the same part, only the most recently stored one
// writes its row (the last one of those stored at the same time): readers
// take max(stored) per name and argMax(value, stored) per part, so the
// others could never be read. What the readers see is unchanged.
func testBatchWritesTheLatestNamesAndParts(t *testing.T, e store.Engine, db string) {
	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	const ann, act = "mbox:mailto:ann@example.com", "https://example.com/act/1"
	row := func(sec int, tenant, name, title string) store.StatementRow {
		id := uuid.New()
		return store.StatementRow{Tenant: tenant, ID: id, Stored: base.Add(time.Duration(sec) * time.Second), Timestamp: base,
			Verb: "http://adlnet.gov/expapi/verbs/completed", ObjectType: "Activity", ObjectID: act,
			Agents: []string{ann}, ContentHash: id.String(), Raw: []byte("{}"),
			AgentNames:      []store.AgentName{{Key: ann, Name: name}},
			DefinitionParts: []store.DefinitionPart{{ActivityID: act, Field: "name", Key: "en-US", Value: title}}}
	}
	rows := []store.StatementRow{
		row(3, "t", "Ann", `"Three"`),
		row(1, "t", "Ann", `"One"`), // stored earlier, inserted later
		row(2, "t", "Ann B.", `"Two"`),
		row(3, "t", "Ann", `"Three again"`), // stored with the first: the later one wins
		row(1, "u", "Ann", `"Other tenant"`),
	}
	b := store.StatementBatch(db, rows)
	b.DedupToken = "test:latest" // as every batch of the processor has
	if err := e.Insert(ctx(t), b); err != nil {
		t.Fatal(err)
	}
	var names, parts []string
	queryRows(t, e, "SELECT tenant, name, stored FROM "+store.Table(db, "agent_names"), func(r store.Rows) error {
		var tenant, name string
		var stored time.Time
		err := r.Scan(&tenant, &name, &stored)
		names = append(names, fmt.Sprintf("%s %s %d", tenant, name, stored.Sub(base)/time.Second))
		return err
	})
	queryRows(t, e, "SELECT tenant, value, stored FROM "+store.Table(db, "activity_definition_parts"), func(r store.Rows) error {
		var tenant, value string
		var stored time.Time
		err := r.Scan(&tenant, &value, &stored)
		parts = append(parts, fmt.Sprintf("%s %s %d", tenant, value, stored.Sub(base)/time.Second))
		return err
	})
	slices.Sort(names)
	slices.Sort(parts)
	if want := []string{"t Ann 3", "t Ann B. 2", "u Ann 1"}; !slices.Equal(names, want) {
		t.Errorf("agent_names rows %q, want %q", names, want)
	}
	if want := []string{`t "Three again" 3`, `u "Other tenant" 1`}; !slices.Equal(parts, want) {
		t.Errorf("activity_definition_parts rows %q, want %q", parts, want)
	}
}
