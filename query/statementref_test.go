package query

import (
	"testing"
	"time"
)

const (
	carl       = "mbox:mailto:carl@example.com"
	vConfirmed = "http://example.com/verbs/confirmed"
)

// refCorpus: r2 refers to a1; r3 to an unknown statement; r4 to r2 (two
// levels from a1: the rule applies recursively); r6 refers to a5 but is
// voided by v7, which refers to r6 and so, through it, to a5.
func refCorpus() []fx {
	ref := func(n, target int, verb string, actor string) fx {
		return fx{id: sid(n), stored: at(n), verb: verb, objType: "StatementRef", objID: sid(target).String(),
			agents: []string{actor}, relAgents: []string{actor}}
	}
	v7 := ref(7, 6, vVoid, bob)
	v7.voids = sid(6)
	return []fx{
		{id: sid(1), stored: at(1), verb: vDone, objID: x1, agents: []string{ann}, relAgents: []string{ann}, relActs: []string{x1}},
		ref(2, 1, vConfirmed, bob),
		ref(3, 99, vConfirmed, bob),
		ref(4, 2, vConfirmed, bob),
		{id: sid(5), stored: at(5), verb: vDone, objID: x2, agents: []string{ann}, relAgents: []string{ann}, relActs: []string{x2}},
		ref(6, 5, vConfirmed, carl),
		v7,
	}
}

// Communication 2.1.3 "Filter Conditions for StatementRefs" (Data 2.3.2): a
// statement whose object is a StatementRef to a statement meeting the filter
// meets it too, recursively (r4 → r2 → a1, v7 → r6 → a5); since, until and
// limit apply to the referring statement; a voided referring statement is
// still never listed, but statements targeting it are (Communication 2.1.4).
func TestComm2_1_3_StatementRefFilterConditions(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(refCorpus()...)
	for _, tc := range []struct {
		name, target string
		want         []int
	}{
		{"agent: the referring statements too, at any depth", q("agent", annParam), []int{7, 5, 4, 2, 1}},
		{"ascending", q("agent", annParam, "ascending", "true"), []int{1, 2, 4, 5, 7}},
		{"since applies to the referring statement", q("agent", annParam, "since", at(1).Format(time.RFC3339)), []int{7, 5, 4, 2}},
		{"until applies to the referring statement", q("agent", annParam, "until", at(1).Format(time.RFC3339)), []int{1}},
		{"activity", q("activity", x1), []int{4, 2, 1}},
		{"verb", q("verb", vDone), []int{7, 5, 4, 2, 1}},
		{"related secondary filter on the same target", q("agent", annParam, "activity", x1, "related_activities", "true"), []int{4, 2, 1}},
		{"referring statements match on their own; v7 targets the voided r6", q("verb", vConfirmed), []int{7, 4, 3, 2}},
		{"no filter lists every unvoided statement", q(), []int{7, 5, 4, 3, 2, 1}},
		{"a voiding statement whose target matches", q("agent", `{"mbox":"mailto:carl@example.com"}`), []int{7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := e.list(tc.target)
			sameIDs(t, tc.target, got, ids(tc.want...))
		})
	}
	// Pages hold own and inherited matches without duplicates or gaps.
	var got []int
	page, more := e.list(q("agent", annParam, "limit", "1"))
	for n := 0; ; n++ {
		for _, id := range page {
			for i := 1; i <= 7; i++ {
				if sid(i) == id {
					got = append(got, i)
				}
			}
		}
		if more == "" || n > 8 {
			break
		}
		page, more = e.list(more)
	}
	sameIDs(t, "paged", ids(got...), ids(7, 5, 4, 2, 1))
}
