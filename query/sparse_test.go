package query

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// maxQuerySize is ClickHouse's default max_query_size (256 KiB): SQL text
// beyond it is refused by the engine.
const maxQuerySize = 256 << 10

// sqlSizes is an Engine that records the longest SQL text it was given.
type sqlSizes struct {
	store.Engine
	mu      sync.Mutex
	longest int
}

func (s *sqlSizes) Query(ctx context.Context, q store.Query) (store.Rows, error) {
	sql, err := chdb.Render(q) // the text chDB runs
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.longest = max(s.longest, len(sql))
	s.mu.Unlock()
	return s.Engine.Query(ctx, q)
}

func (s *sqlSizes) max() int { s.mu.Lock(); defer s.mu.Unlock(); return s.longest }

// bigConfig is testConfig with the default page maximum of 1000.
var bigConfig = Options{MaxLimit: 1000, DefaultLimit: 100, Timeout: 60 * time.Second, WatermarkRefresh: time.Nanosecond}

// insertMany inserts fs in chunks.
func (e *env) insertMany(fs []fx) {
	e.t.Helper()
	for start := 0; start < len(fs); start += 20000 {
		e.insert(fs[start:min(start+20000, len(fs))]...)
	}
}

// walk follows a list as user from target through its more links (at most
// pages pages) and returns every id listed.
func (e *env) walk(user, target string, pages int) []uuid.UUID {
	e.t.Helper()
	var all []uuid.UUID
	for n := 0; target != ""; n++ {
		if n == pages {
			e.t.Fatalf("%s: still a more link after %d pages", target, pages)
		}
		page, more := e.listAs(user, target)
		all = append(all, page...)
		target = more
	}
	return all
}

// Communication 4.2 (statements/read/mine) with any filter: one statement of
// the credential among 100,000 of another credential matching the same
// filters is listed, with status 200 at every limit, and no SQL sent to the
// engine grows with the data (issue 7, item 9: it grew until the engine
// refused it, "Max query size exceeded", and the request failed with 500).
func TestComm4_2_ReadMineFilteredAmongManyOthers(t *testing.T) {
	const others = 100000
	db := chdbtest.Database(t, engine)
	sizes := &sqlSizes{Engine: engine}
	e := newEnvConfig(t, sizes, db, at(3600), bigConfig)
	k1, k2 := "account:http://lrs|k1", "account:http://lrs|k2"
	same := func(id uuid.UUID, stored time.Time, auth string) fx {
		return fx{id: id, stored: stored, verb: vDone, objID: x1, reg: reg1, agents: []string{ann},
			relAgents: []string{ann}, relActs: []string{x1}, authKey: auth}
	}
	fs := []fx{same(sid(1), at(1), k1)} // the oldest: a descending list reads every other first
	for i := 0; i < others; i++ {
		fs = append(fs, same(sid(1000+i), at(2).Add(time.Duration(i)*time.Millisecond), k2))
	}
	start := time.Now()
	e.insertMany(fs)
	t.Logf("inserted %d statements in %s", len(fs), time.Since(start))
	for _, filter := range [][]string{
		{"verb", vDone},
		{"agent", annParam},
		{"activity", x1},
		{"registration", reg1.String()},
		{"agent", annParam, "related_agents", "true", "activity", x1, "related_activities", "true"},
	} {
		for _, limit := range []string{"0", "100", "1000"} {
			target := q(append([]string{"limit", limit}, filter...)...)
			start := time.Now()
			got := e.walk("mine", target, 3)
			t.Logf("%s: %s", target, time.Since(start))
			sameIDs(t, target, got, ids(1))
		}
	}
	if n := sizes.max(); n >= maxQuerySize {
		t.Errorf("longest SQL %d bytes, beyond max_query_size", n)
	}
	// The credential with statements/read reads them all: full pages.
	if got, more := e.listAs("acme", q("limit", "0", "verb", vDone)); len(got) != 1000 || more == "" {
		t.Errorf("statements/read: a page of %d, more %q; want 1000 and a more link", len(got), more)
	}
}

// Communication 2.1.4 (voided statements are not returned) and Data 2.5
// (limit is a maximum): a long run of voided statements in a filter's range
// gives pages, maybe short ones with a more link, never SQL that grows with
// the run (issue 7, item 9: candidate rounds are bounded by constants).
func TestComm2_1_4_LongVoidedRunGivesBoundedQueries(t *testing.T) {
	const voided = 20000
	db := chdbtest.Database(t, engine)
	sizes := &sqlSizes{Engine: engine}
	e := newEnvConfig(t, sizes, db, at(3600), bigConfig)
	// The voiding statements are stored first, before their targets, so they
	// inherit nothing and do not match the verb themselves.
	var voiding, targets []fx
	for i := 0; i < voided; i++ {
		id := sid(100000 + i)
		voiding = append(voiding, fx{id: sid(200000 + i), stored: at(2).Add(time.Duration(i) * time.Millisecond), verb: vVoid,
			objType: "StatementRef", objID: id.String(), voids: id, agents: []string{bob}})
		targets = append(targets, fx{id: id, stored: at(100).Add(time.Duration(i) * time.Millisecond), verb: vDone, objID: x1,
			agents: []string{ann}})
	}
	e.insertMany(voiding)
	e.insertMany(targets)
	e.insert(fx{id: sid(1), stored: at(1), verb: vDone, objID: x1, agents: []string{ann}})
	for _, limit := range []string{"0", "1"} {
		target := q("limit", limit, "verb", vDone)
		sameIDs(t, target, e.walk("acme", target, 50), ids(1))
	}
	if n := sizes.max(); n >= maxQuerySize {
		t.Errorf("longest SQL %d bytes, beyond max_query_size", n)
	}
}
