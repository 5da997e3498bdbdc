package sink

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

var factsAuthority = map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": "http://lrs", "name": "acme"}}

// ingested returns the envelope all-in-one ingest publishes for body (one
// statement, or one with a "%s" for its id and another for a tag):
// validated, finalized, encoded, with its facts; nil when body is not valid
// under v.
func ingested(t *testing.T, body string, v xapi.Version, noDefine bool) *envelope.Envelope {
	t.Helper()
	id := uuid.New()
	if strings.Count(body, "%s") == 2 {
		body = fmt.Sprintf(body, id, id.String()[:4])
	}
	st, err := xapi.DecodeStatement([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := xapi.Validate(v, st); err != nil {
		return nil
	}
	st["id"] = id.String()
	hash := xapi.ContentHash(st)
	stored := time.Date(2026, 11, 29, 12, 0, 0, 123e6, time.UTC)
	if _, err := xapi.Finalize(st, v, stored, factsAuthority); err != nil {
		t.Fatal(err)
	}
	raw, err := xapi.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	auth, _ := json.Marshal(factsAuthority)
	return &envelope.Envelope{V: envelope.Version, Kind: envelope.KindStatement, Tenant: "acme", ID: id, Stored: stored,
		Authority: auth, XAPIVersion: string(v), ContentHash: hash, Statement: raw, NoDefine: noDefine,
		Facts: Facts(st, raw, noDefine)}
}

var factsStatements = []string{
	stmtWithDefs, subWithDefs, stmtWithAgents,
	// no timestamp (the stored time), a voiding statement
	`{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},
	  "object":{"objectType":"StatementRef","id":"E9B5CB7C-6F36-4A4E-A0A9-6B1D1C7A1E0B"}}`,
	// an Identified Group object, a registration, a timestamp before 1970 with ns
	`{"actor":{"name":"A","mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},
	  "object":{"objectType":"Group","name":"G","openid":"http://g.example.com","member":[{"name":"M","mbox":"mailto:m@example.com"}]},
	  "context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","instructor":{"account":{"homePage":"http://h","name":"i"}}},
	  "timestamp":"1950-06-01T12:00:00.123456789Z"}`,
	// the same string in many places (kept once), an interaction definition
	`{"actor":{"mbox":"mailto:x@example.com"},"verb":{"id":"http://example.com/x"},
	  "object":{"id":"http://example.com/x","definition":{"interactionType":"choice","correctResponsesPattern":["a"],
	    "choices":[{"id":"a","description":{"en":"A"}}],"extensions":{"http://example.com/x":"http://example.com/x"}}},
	  "context":{"contextActivities":{"parent":[{"id":"http://example.com/x"}],"other":{"id":"http://example.com/x"}}},
	  "timestamp":"9999-12-31T23:59:59.999Z"}`,
	// strings the encoding escapes (kept literally), an account key, an upper-case mbox domain
	`{"actor":{"name":"Ann \"the\" Tester\n","account":{"homePage":"http://h.example.com/a","name":"n|1"}},
	  "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/e","definition":{
	    "name":{"en":"quote \" tab\t é \u2028"},"extensions":{"http://example.com/k":{"a":[1,2.50,"<&>"]}}}},
	  "context":{"instructor":{"name":"I","mbox":"mailto:i@EXAMPLE.COM"}}}`,
}

// TestRowFromFactsMatchesRow: the row built from the facts ingest hands
// over is the row built by decoding the statement, in both versions, with
// and without the define scope (Communication 4.2).
func TestRowFromFactsMatchesRow(t *testing.T) {
	for i, body := range factsStatements {
		for _, v := range []xapi.Version{xapi.V103, xapi.V200} {
			for _, noDefine := range []bool{false, true} {
				t.Run(fmt.Sprintf("%d/%s/nodefine=%v", i, v, noDefine), func(t *testing.T) {
					env := ingested(t, body, v, noDefine)
					if env == nil {
						if v == xapi.V200 {
							st, _ := xapi.DecodeStatement([]byte(strings.ReplaceAll(body, "%s", "x")))
							t.Fatal("invalid under 2.0.0", xapi.Validate(v, st))
						}
						t.Skip("a 2.0.0 statement")
					}
					got, err := RowFromFacts(env)
					if err != nil {
						t.Fatal(err)
					}
					want, err := Row(env)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("row from facts\n%+v\nrow from the statement\n%+v", got, want)
					}
				})
			}
		}
	}
}

// TestRowFromFactsRejectsMalformed: facts cut short or padded are an
// error, never a row with made-up values.
func TestRowFromFactsRejectsMalformed(t *testing.T) {
	env := ingested(t, factsStatements[0], xapi.V103, false)
	full := env.Facts
	for _, facts := range [][]byte{{}, {9}, full[:len(full)/2], full[:len(full)-1], append(append([]byte(nil), full...), 0)} {
		env.Facts = facts
		if _, err := RowFromFacts(env); !errors.Is(err, errFacts) {
			t.Errorf("facts %q: err %v, want errFacts", facts, err)
		}
	}
}

// TestFactsStaySmall: what the write-ahead log keeps per pending statement
// for the handover stays small: strings the statement holds are offsets
// into it.
func TestFactsStaySmall(t *testing.T) {
	env := ingested(t, stmtWithDefs, xapi.V103, false)
	if n := cap(env.Facts); n > 160 {
		t.Fatalf("facts take %d bytes for a statement of %d: %q", n, len(env.Statement), env.Facts)
	}
}

// TestRowFallsBackToDecodingOnBadFacts: facts that do not decode never cost
// an acknowledged statement: its row is built by decoding it.
func TestRowFallsBackToDecodingOnBadFacts(t *testing.T) {
	env := ingested(t, factsStatements[0], xapi.V103, false)
	want, err := Row(env)
	if err != nil {
		t.Fatal(err)
	}
	env.Facts = env.Facts[:len(env.Facts)/2]
	got, err := row(env)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("row with bad facts\n%+v\nwant\n%+v", got, want)
	}
}
