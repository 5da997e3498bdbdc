package sink

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

const stmtWithAgents = `{"id":"%s",
 "actor":{"objectType":"Group","name":"Team %s","mbox":"mailto:team@example.com",
   "member":[{"name":"Ann","mbox":"mailto:ann@EXAMPLE.com"},{"mbox":"mailto:nameless@example.com"}]},
 "verb":{"id":"http://example.com/v"},
 "object":{"objectType":"SubStatement","actor":{"name":"Sub Actor","openid":"http://id.example.com/sub"},
   "verb":{"id":"http://example.com/v"},
   "object":{"objectType":"Agent","name":"Sub Object","account":{"homePage":"http://example.com","name":"so"}},
   "context":{"instructor":{"name":"Sub Instructor","mbox_sha1sum":"EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}}},
 "context":{"instructor":{"name":"Ivy","mbox":"mailto:ivy@example.com"},
   "team":{"objectType":"Group","member":[{"name":"Tom","mbox":"mailto:tom@example.com"}]},
   "contextAgents":[{"objectType":"contextAgent","agent":{"name":"Cat","mbox":"mailto:cat@example.com"}}],
   "contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","name":"Gus Group","openid":"http://id.example.com/gus"}}]},
 "stored":"2024-03-01T10:00:00.000Z","timestamp":"2024-03-01T10:00:00.000Z","version":"2.0.0",
 "authority":{"objectType":"Agent","name":"The LRS","account":{"homePage":"http://lrs","name":"acme"}}}`

// Communication 2.4 (Person object): every named Agent or Identified Group of
// a statement is collected under its canonical IFI key: actor and its
// members, authority, instructor, team members (the Anonymous Group itself
// has no key), 2.0 contextAgents/contextGroups, and the SubStatement's
// actor, Agent object and instructor; agents without a name are skipped.
func TestAgentNames_Comm2_4_CollectsEveryNamedAgent(t *testing.T) {
	raw := []byte(fmt.Sprintf(stmtWithAgents, "00000000-0000-4000-8000-000000000001", "A"))
	st, err := xapi.DecodeStatement(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(AgentNames(st))
	want := "[{mbox:mailto:team@example.com Team A} {mbox:mailto:ann@example.com Ann}" +
		" {openid:http://id.example.com/sub Sub Actor} {account:http://example.com|so Sub Object}" +
		" {mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9 Sub Instructor}" +
		" {account:http://lrs|acme The LRS} {mbox:mailto:ivy@example.com Ivy} {mbox:mailto:tom@example.com Tom}" +
		" {mbox:mailto:cat@example.com Cat} {openid:http://id.example.com/gus Gus Group}]"
	if got != want {
		t.Fatalf("AgentNames\n got %s\nwant %s", got, want)
	}
	if n := AgentNames(nil); n != nil {
		t.Fatalf("AgentNames(nil) = %v", n)
	}
}

// The batch lands in agent_names (migration 0008) with the tenant and the
// statement's stored time; statements without names add nothing.
// The names reach agent_names through the statements insert (migration 0010).
func TestWrite_StoresAgentNames(t *testing.T) {
	db := newDB(t)
	stored := time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	withNames := envOf(t, stmtWithAgents, stored)
	withNames.XAPIVersion = "2.0.0"         // contextAgents, contextGroups
	plain := envOf(t, stmtWithDefs, stored) // actor and authority without a name
	s, err := New(eng, db, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	if rej, err := s.Write(context.Background(), "", envOfAll(withNames, plain)); err != nil || len(rej) != 0 {
		t.Fatalf("Write: %v, rejected %v", err, rej)
	}
	var total uint64
	count, err := eng.Query(context.Background(), store.SQL("SELECT count() FROM "+store.Table(db, "agent_names")))
	if err != nil {
		t.Fatal(err)
	}
	for count.Next() {
		if err := count.Scan(&total); err != nil {
			t.Fatal(err)
		}
	}
	count.Close()
	if total != 10 {
		t.Fatalf("agent_names holds %d rows, want the 10 names of the first statement", total)
	}
	res, err := eng.Query(context.Background(), store.SQL("SELECT tenant, name, stored FROM "+store.Table(db, "agent_names")+
		" WHERE agent_key = 'mbox:mailto:ann@example.com'"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	var n int
	for res.Next() {
		var tenant, name string
		var at time.Time
		if err := res.Scan(&tenant, &name, &at); err != nil {
			t.Fatal(err)
		}
		if tenant != "acme" || name != "Ann" || !at.Equal(stored) {
			t.Errorf("row (%s, %s, %s)", tenant, name, at)
		}
		n++
	}
	if err := res.Err(); err != nil || n != 1 {
		t.Fatalf("%d rows, err %v", n, err)
	}
}

func envOfAll[T any](v ...T) []T { return v }
