package query

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// gatedEngine holds every read by id until open is closed, and counts them.
type gatedEngine struct {
	store.Engine
	open    chan struct{}
	queries atomic.Int64
}

func (g *gatedEngine) Query(ctx context.Context, q store.Query) (store.Rows, error) {
	if strings.HasPrefix(q.Text, "SELECT id, stored, raw,") {
		g.queries.Add(1)
		<-g.open
	}
	return g.Engine.Query(ctx, q)
}

// Issue 8 ("statementId GETs ≥ 2,000/s at 16 concurrent clients"): the
// engine's cost is per query, so the reads by id that arrive together share
// one. While the first reads' queries run, 20 more GETs of every kind wait
// and are then answered by one query per viewer, each with its own
// answer: found, unknown (404), voided (404 by statementId, 200 by
// voidedStatementId, Data 2.4.4 / Communication 2.1.4), and for a
// statements/read/mine credential only its own (Communication 4.2).
func TestIssue8_StatementIDReadsArrivingTogetherShareOneQuery(t *testing.T) {
	g := &gatedEngine{Engine: engine, open: make(chan struct{})}
	e := newEnvOn(t, g, chdbtest.Database(t, engine), at(3600))
	k1 := "account:http://lrs|k1"
	var fxs []fx
	for n := 1; n <= 16; n++ {
		f := fx{id: sid(n), stored: at(n), verb: vDone, objID: x1}
		if n == 2 {
			f.authKey = k1
		}
		fxs = append(fxs, f)
	}
	fxs = append(fxs, fx{id: sid(17), stored: at(17), verb: vVoid, objType: "StatementRef", objID: sid(3).String(), voids: sid(3)})
	e.insert(fxs...)

	type get struct {
		user, target string
		want         int
	}
	byID := func(n int) string { return "/xapi/statements?statementId=" + sid(n).String() }
	gets := []get{
		{"acme", byID(3), http.StatusNotFound},
		{"acme", "/xapi/statements?voidedStatementId=" + sid(3).String(), http.StatusOK},
		{"acme", byID(99), http.StatusNotFound},
		{"mine", byID(2), http.StatusOK},
		{"mine", byID(4), http.StatusNotFound},
	}
	for n := 4; n <= 16; n++ {
		gets = append(gets, get{"acme", byID(n), http.StatusOK})
	}
	first := []get{{"acme", byID(1), http.StatusOK}, {"acme", byID(17), http.StatusOK}}

	codes := make([]int, len(first)+len(gets))
	bodies := make([]string, len(codes))
	var wg sync.WaitGroup
	do := func(i int, q get) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := e.do(http.MethodGet, q.target, q.user)
			codes[i], bodies[i] = w.Code, w.Body.String()
		}()
	}
	for i, q := range first {
		do(i, q)
	}
	waitUntil(t, "the first reads' queries to run", func() bool { return g.queries.Load() == maxBatches })
	for i, q := range gets {
		do(len(first)+i, q)
	}
	waitUntil(t, "the other reads to wait for a batch", func() bool {
		e.svc.byID.mu.Lock()
		defer e.svc.byID.mu.Unlock()
		return len(e.svc.byID.waiting) == len(gets)
	})
	close(g.open)
	wg.Wait()

	for i, q := range append(first, gets...) {
		if codes[i] != q.want {
			t.Errorf("GET %s as %s: %d, want %d", q.target, q.user, codes[i], q.want)
		}
		if id := q.target[strings.IndexByte(q.target, '=')+1:]; codes[i] == http.StatusOK && !strings.Contains(bodies[i], id) {
			t.Errorf("GET %s as %s returned another statement: %s", q.target, q.user, bodies[i])
		}
	}
	// The first two reads' queries, then one query for each viewer's waiting
	// reads (acme's and mine's): four for 22 reads.
	if n := g.queries.Load(); n != maxBatches+2 {
		t.Errorf("22 reads by id took %d queries, want %d", n, maxBatches+2)
	}
}

// waitUntil waits up to 10 s for cond.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
