package statements

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

var lim = Limits{Default: 100, Max: 500}

func fakeAgent(v string) (string, error) {
	if strings.HasPrefix(v, `{"mbox":"`) {
		return "mbox:" + strings.TrimSuffix(strings.TrimPrefix(v, `{"mbox":"`), `"}`), nil
	}
	return "", errors.New("invalid agent")
}

var parser = Parser{Limits: lim, ParseAgent: fakeAgent, Cursors: testCursors}

func parse(t *testing.T, q url.Values) (Request, error) {
	t.Helper()
	return parser.Parse(q.Encode(), xapi.V103)
}

// Communication 2.1.3 requirements and the filters' syntax.
func TestParseRejects(t *testing.T) {
	id := "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"
	cases := map[string]string{
		"unknown parameter":              "foo=1",
		"case-sensitive name":            "statementID=" + id,
		"repeated parameter":             "verb=a&verb=b",
		"both ids":                       "statementId=" + id + "&voidedStatementId=" + id,
		"statementId with filter":        "statementId=" + id + "&verb=http://x",
		"voidedStatementId with limit":   "voidedStatementId=" + id + "&limit=1",
		"statementId not a uuid":         "statementId=nope",
		"statementId urn form":           "statementId=urn:uuid:" + id,
		"registration not a uuid":        "registration=123",
		"bad agent":                      "agent=%7Bnot-json",
		"empty verb":                     "verb=",
		"empty activity":                 "activity=",
		"since not a timestamp":          "since=yesterday",
		"until without zone (2.0)":       "until=2024-01-01T00:00:00",
		"verb not an IRI":                "verb=completed",
		"activity not an IRI":            "activity=example.com%2Fa",
		"limit negative":                 "limit=-1",
		"limit not integer":              "limit=1.5",
		"limit empty":                    "limit=",
		"ascending not boolean":          "ascending=yes",
		"related_agents not boolean":     "related_agents=1",
		"related_activities not boolean": "related_activities=TRUE",
		"attachments not boolean":        "attachments=0",
		"format unknown":                 "format=full",
		"more with other parameter":      "more=abc&limit=1",
		"more garbage":                   "more=%21%21",
		"malformed query":                "verb=%zz",
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parser.Parse(raw, xapi.V200)
			if !errors.Is(err, ErrBadRequest) {
				t.Fatalf("Parse(%q) = %v, want ErrBadRequest", raw, err)
			}
		})
	}
}

func TestParseSingle(t *testing.T) {
	id := "6690E6C9-3EF0-4ED3-8B37-7F3964730BEE"
	r, err := parser.Parse("statementId="+id+"&format=ids&attachments=false", xapi.V103)
	if err != nil || r.Kind != KindSingle || r.ID.String() != strings.ToLower(id) || r.Filter.Format != FormatIDs {
		t.Fatalf("got %+v, %v", r, err)
	}
	r, err = parser.Parse("voidedStatementId="+id, xapi.V103)
	if err != nil || r.Kind != KindVoided || r.Filter.Format != FormatExact {
		t.Fatalf("got %+v, %v", r, err)
	}
}

func TestParseList(t *testing.T) {
	q := url.Values{
		"agent": {`{"mbox":"mailto:a@b.c"}`}, "verb": {"http://v"}, "activity": {"http://a"},
		"registration": {"FF0E2C8A-0B4D-4C1A-9D8E-3C5A6F7B8C9D"}, "related_agents": {"true"},
		"related_activities": {"false"}, "since": {"2024-01-01T00:00:00.1234Z"},
		"until": {"2024-02-01T01:00:00+01:00"}, "limit": {"7"}, "ascending": {"true"},
		"format": {"canonical"}, "attachments": {"true"},
	}
	r, err := parse(t, q)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Filter
	if r.Kind != KindList || f.Agent != "mbox:mailto:a@b.c" || f.Verb != "http://v" || f.Activity != "http://a" ||
		f.Registration != "ff0e2c8a-0b4d-4c1a-9d8e-3c5a6f7b8c9d" || !f.RelatedAgents || f.RelatedActivities ||
		f.Limit != 7 || !f.Ascending || f.Format != FormatCanonical || !f.Attachments {
		t.Fatalf("filter %+v", f)
	}
	if want := time.Date(2024, 1, 1, 0, 0, 0, 123e6, time.UTC); !f.Since.Equal(want) {
		t.Errorf("since %v, want %v (ms precision)", f.Since, want)
	}
	if want := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC); !f.Until.Equal(want) {
		t.Errorf("until %v, want %v", f.Until, want)
	}
}

func TestParseTimestampForms(t *testing.T) {
	want := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, v := range []string{"2024-01-01T00:00:00Z", "2024-01-01T02:00:00+02:00", "2024-01-01T02:00:00+0200",
		"2024-01-01T02:00:00+02", "2024-01-01T02:00:00.000000+02:00"} {
		r, err := parse(t, url.Values{"since": {v}})
		if err != nil || !r.Filter.Since.Equal(want) {
			t.Errorf("since=%s: %v, %v", v, r.Filter.Since, err)
		}
	}
	// An unescaped '+' arrives as a space.
	r, err := parser.Parse("since=2024-01-01T02:00:00+02:00", xapi.V103)
	if err != nil || !r.Filter.Since.Equal(want) {
		t.Errorf("unescaped plus: %v, %v", r.Filter.Since, err)
	}
}

func TestParseMore(t *testing.T) {
	c := NewCursor(Filter{Verb: "http://v", Limit: 3, Format: FormatIDs}, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	r, err := parser.Parse("more="+testCursors.Encode(c), xapi.V103)
	if err != nil || r.Kind != KindMore || r.Cursor.Filter.Verb != "http://v" || !r.Cursor.Bound.Equal(c.Bound) {
		t.Fatalf("got %+v, %v", r, err)
	}
}

func TestParseLimit(t *testing.T) {
	for v, want := range map[string]int{"": 100, "0": 500, "1": 1, "500": 500, "501": 500, "99999999999999999999999": 500} {
		q := url.Values{}
		if v != "" {
			q.Set("limit", v)
		}
		r, err := parse(t, q)
		if err != nil || r.Filter.Limit != want {
			t.Errorf("limit=%q: %d, %v; want %d", v, r.Filter.Limit, err, want)
		}
	}
}
