package statements

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files")

func ms(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	t = t.UTC()
	return &t
}

func golden(t *testing.T, name string, q store.Query) {
	t.Helper()
	got := q.String()
	path := filepath.Join("testdata", name+".sql")
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got+"\n" {
		t.Errorf("SQL differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestByIDSQLGolden(t *testing.T) {
	id := uuid.MustParse("6690e6c9-3ef0-4ed3-8b37-7f3964730bee")
	other := uuid.MustParse("0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11")
	golden(t, "byid", ByIDSQL("lrs", Viewer{Tenant: "acme"}, []uuid.UUID{id, other}, true))
	golden(t, "byid_voided_known", ByIDSQL("lrs", Viewer{Tenant: "acme"}, []uuid.UUID{id}, false))
	golden(t, "byid_mine", ByIDSQL("lrs", Viewer{Tenant: "acme", Authority: "account:http://lrs|k1"}, []uuid.UUID{id}, true))
}

func TestListSQLGolden(t *testing.T) { // candidates, exclusions, raw reads
	bound := *ms("2024-03-01T12:00:00.500Z")
	reg := "ff0e2c8a-0b4d-4c1a-9d8e-3c5a6f7b8c9d"
	agent := "mbox:mailto:ann@example.com"
	act := "http://example.com/act/1"
	verb := "http://adlnet.gov/expapi/verbs/completed"
	after := &Position{Stored: *ms("2024-03-01T11:00:00.123Z"), ID: uuid.MustParse("00000000-0000-4000-8000-000000000042")}
	cases := []struct {
		name  string
		f     Filter
		after *Position
	}{
		{"list_nofilter", Filter{}, nil},
		{"list_nofilter_since_ascending_after", Filter{Since: ms("2024-01-01T00:00:00Z"), Ascending: true}, after},
		{"list_agent", Filter{Agent: agent}, nil},
		{"list_agent_after", Filter{Agent: agent}, after},
		{"list_related_agent", Filter{Agent: agent, RelatedAgents: true}, nil},
		{"list_verb", Filter{Verb: verb}, nil},
		{"list_activity", Filter{Activity: act}, nil},
		{"list_related_activity", Filter{Activity: act, RelatedActivities: true}, nil},
		{"list_registration_all_plain", Filter{Registration: reg, Agent: agent, Activity: act, Verb: verb}, nil},
		{"list_agent_verb_related_activity", Filter{Agent: agent, Verb: verb, Activity: act, RelatedActivities: true}, nil},
		{"list_activity_related_agent_secondary", Filter{Registration: reg, Agent: agent, RelatedAgents: true}, nil},
		{"list_related_agent_verb_related_activity", Filter{Agent: agent, RelatedAgents: true, Verb: verb, Activity: act, RelatedActivities: true}, nil},
		{"list_quote_injection", Filter{Verb: "http://x/'); DROP TABLE t; --\\"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Limit = 10
			c := Cursor{Filter: tc.f, Bound: bound, After: tc.after}
			golden(t, tc.name, CandidatesSQL("lrs", Viewer{Tenant: "acme"}, c, 22))
		})
	}
	// statements/read/mine: the authority drives an unfiltered list and
	// restricts every range of a filtered one, inherited rows included.
	mine := Viewer{Tenant: "acme", Authority: "account:http://lrs|k1"}
	golden(t, "list_mine_nofilter", CandidatesSQL("lrs", mine, Cursor{Filter: Filter{Limit: 10}, Bound: bound}, 22))
	golden(t, "list_mine_verb", CandidatesSQL("lrs", mine, Cursor{Filter: Filter{Limit: 10, Verb: verb}, Bound: bound}, 22))
	golden(t, "list_mine_agent_related_activity", CandidatesSQL("lrs", mine,
		Cursor{Filter: Filter{Limit: 10, Agent: agent, Activity: act, RelatedActivities: true}, Bound: bound}, 22))
	golden(t, "list_mine_related_activity_ascending_after", CandidatesSQL("lrs", mine,
		Cursor{Filter: Filter{Limit: 10, Activity: act, RelatedActivities: true, Ascending: true}, Bound: bound, After: after}, 22))
	ps := []Position{{Stored: bound, ID: uuid.MustParse("6690e6c9-3ef0-4ed3-8b37-7f3964730bee")},
		{Stored: bound.Add(-time.Second), ID: uuid.MustParse("0ed3cdb4-5f3a-4e5b-9d5e-9c1c1a9b7c11")}}
	golden(t, "excluded", ExcludedSQL("lrs", "acme", ps))
	golden(t, "raw", RawSQL("lrs", "acme", ps))
}

func TestNewCursorBound(t *testing.T) {
	w := *ms("2024-03-01T12:00:00.500Z")
	if c := NewCursor(Filter{}, w); !c.Bound.Equal(w) {
		t.Errorf("no until: bound %v, want watermark", c.Bound)
	}
	early := ms("2024-02-01T00:00:00Z")
	if c := NewCursor(Filter{Until: early}, w); !c.Bound.Equal(*early) {
		t.Errorf("until before watermark: bound %v", c.Bound)
	}
	late := ms("2025-01-01T00:00:00Z")
	if c := NewCursor(Filter{Until: late}, w); !c.Bound.Equal(w) {
		t.Errorf("until after watermark: bound %v, want watermark (never list what the header does not cover)", c.Bound)
	}
}
