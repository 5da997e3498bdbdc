package resources

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Account is an Agent account (Data 2.4.2.4).
type Account struct {
	HomePage string `json:"homePage"`
	Name     string `json:"name"`
}

// Person is the Person object (Communication 2.4): every property but
// objectType is an array, and only the properties listed there appear.
type Person struct {
	ObjectType  string    `json:"objectType"`
	Name        []string  `json:"name,omitempty"`
	Mbox        []string  `json:"mbox,omitempty"`
	MboxSHA1Sum []string  `json:"mbox_sha1sum,omitempty"`
	OpenID      []string  `json:"openid,omitempty"`
	Account     []Account `json:"account,omitempty"`
}

// parseAgent reads the agent parameter: "a normal Agent Object with a single
// identifier and no arrays. It is not a Person Object, nor is it a Group"
// (Communication 2.4). It returns the canonical IFI key and the Person
// holding that IFI and the name given in the request, if any.
func parseAgent(v string) (string, Person, error) {
	key, err := xapi.ParseAgentParam(v)
	if err != nil {
		return "", Person{}, fmt.Errorf("%w: agent: %w", errBadRequest, err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return "", Person{}, badf("agent: %v", err)
	}
	if t, _ := m["objectType"].(string); t != "" && t != "Agent" {
		return "", Person{}, badf("agent must be an Agent, not a %s (Communication 2.4)", t)
	}
	p := Person{ObjectType: "Person"}
	if name, ok := m["name"].(string); ok && name != "" {
		p.Name = []string{name}
	}
	kind, val, _ := strings.Cut(key, ":")
	switch kind {
	case "mbox":
		p.Mbox = []string{val}
	case "mbox_sha1sum":
		p.MboxSHA1Sum = []string{val}
	case "openid":
		p.OpenID = []string{val}
	case "account":
		acc, _ := m["account"].(map[string]any)
		home, _ := acc["homePage"].(string)
		name, _ := acc["name"].(string)
		p.Account = []Account{{HomePage: home, Name: name}}
	}
	return key, p, nil
}

// AgentNamesSQL reads the names stored for one agent of tenant: rows (name,
// last stored), names in byte order. max(stored) and GROUP BY hold before
// ReplacingMergeTree has merged repeated names.
func AgentNamesSQL(db, tenant, agentKey string) store.Query {
	return store.Query{Text: store.InDB(agentNamesSQL, db),
		Params: store.Params{{Name: "tenant", Value: tenant}, {Name: "agent", Value: agentKey}}}
}

const agentNamesSQL = "SELECT name, max(stored)\nFROM {db}.agent_names" +
	"\nWHERE tenant = {tenant:String} AND agent_key = {agent:String}" +
	"\nGROUP BY name\nORDER BY name"

// getAgent serves GET and HEAD /xapi/agents?agent=… (Communication 2.4): the
// Person object with the queried IFI and every name stored with it. One IFI
// is one person: the LRS does not link IFIs, so each array but name holds
// the queried IFI only. An agent the LRS has no data about still gets a
// Person with the information of the request (MUST). Last-Modified is when
// a name of the agent was last stored.
func (s *Service) getAgent(w http.ResponseWriter, r *http.Request) {
	v, err := param(r, "agent")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, person, err := parseAgent(v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ten, ok := tenant(r)
	if !ok {
		s.fail(w, r, fmt.Errorf("no principal on an authenticated route"))
		return
	}
	rows, err := s.d.Engine.Query(r.Context(), AgentNamesSQL(s.d.Database, ten, key))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rows.Close()
	var modified time.Time
	for rows.Next() {
		var name string
		var stored time.Time
		if err := rows.Scan(&name, &stored); err != nil {
			s.fail(w, r, err)
			return
		}
		person.Name = append(person.Name, name)
		if stored.After(modified) {
			modified = stored
		}
	}
	if err := rows.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	person.Name = dedupe(person.Name)
	respond(w, r, person, modified)
}

// dedupe keeps the first occurrence of every name.
func dedupe(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := names[:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
