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
