package query

import (
	"net/http"
	"testing"
)

// Communication 4.2: a credential with statements/read/mine reads only the
// statements whose authority is what the LRS assigns it; statements/read
// (or all/read, all) reads them all.
func TestComm4_2_StatementsReadMine(t *testing.T) {
	e := newEnv(t, at(3600))
	k1, k2 := "account:http://lrs|k1", "account:http://lrs|k2"
	e.insert(
		fx{id: sid(1), stored: at(1), verb: vDone, objID: x1, agents: []string{ann}, authKey: k1},
		fx{id: sid(2), stored: at(2), verb: vDone, objID: x1, agents: []string{ann}, authKey: k2},
		fx{id: sid(3), stored: at(3), verb: vConfirmed, objID: x2, agents: []string{bob}, authKey: k1},
	)
	for _, tc := range []struct {
		name, target string
		want         []int
	}{
		{"no filter", q(), []int{3, 1}},
		{"with a filter", q("verb", vDone), []int{1}},
		{"agent", q("agent", annParam), []int{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := e.listAs("mine", tc.target)
			sameIDs(t, tc.target, got, ids(tc.want...))
		})
	}
	if w := e.do(http.MethodGet, "/xapi/statements?statementId="+sid(1).String(), "mine"); w.Code != http.StatusOK {
		t.Errorf("own statement by id: %d", w.Code)
	}
	if w := e.do(http.MethodGet, "/xapi/statements?statementId="+sid(2).String(), "mine"); w.Code != http.StatusNotFound {
		t.Errorf("another credential's statement by id: %d, want 404", w.Code)
	}
	got, _ := e.listAs("acme", q())
	sameIDs(t, "statements/read", got, ids(3, 2, 1))
}

// Communication 4.2 with 2.1.3 "Filter Conditions for StatementRefs" (issue
// 7, item 20): a statements/read/mine credential must not learn properties
// of a statement it cannot read by filtering its own StatementRefs to it.
// A StatementRef inherits the filter rows of its target only for readers
// who may read the target: its own statements inherit from its own targets.
func TestComm4_2_ReadMineInheritsOnlyFromReadableTargets(t *testing.T) {
	e := newEnv(t, at(3600))
	k1, k2 := "account:http://lrs|k1", "account:http://lrs|k2"
	ref := func(n, target int, auth string) fx {
		return fx{id: sid(n), stored: at(n), verb: vConfirmed, objType: "StatementRef", objID: sid(target).String(),
			agents: []string{carl}, relAgents: []string{carl}, authKey: auth}
	}
	e.insert(
		fx{id: sid(1), stored: at(1), verb: vDone, objID: x1, reg: reg1, agents: []string{ann}, relAgents: []string{ann},
			relActs: []string{x1}, authKey: k2}, // another credential's
		ref(2, 1, k1), // mine, to the hidden one
		fx{id: sid(3), stored: at(3), verb: vTry, objID: x2, agents: []string{bob}, relAgents: []string{bob},
			relActs: []string{x2}, authKey: k1}, // mine
		ref(4, 3, k1), // mine, to mine
		ref(5, 4, k2), // another's, to mine
	)
	for _, tc := range []struct {
		name, target string
		mine, all    []int
	}{
		{"verb", q("verb", vDone), nil, []int{2, 1}},
		{"agent", q("agent", annParam), nil, []int{2, 1}},
		{"activity", q("activity", x1), nil, []int{2, 1}},
		{"registration", q("registration", reg1.String()), nil, []int{2, 1}},
		{"related", q("agent", annParam, "related_agents", "true", "activity", x1, "related_activities", "true"), nil, []int{2, 1}},
		{"own target", q("verb", vTry), []int{4, 3}, []int{5, 4, 3}},
		{"own target, agent", q("agent", bobParam), []int{4, 3}, []int{5, 4, 3}},
		{"own referrer's own rows", q("agent", `{"mbox":"mailto:carl@example.com"}`), []int{4, 2}, []int{5, 4, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := e.listAs("mine", tc.target)
			sameIDs(t, "statements/read/mine "+tc.target, got, ids(tc.mine...))
			got, _ = e.listAs("acme", tc.target)
			sameIDs(t, "statements/read "+tc.target, got, ids(tc.all...))
		})
	}
}
