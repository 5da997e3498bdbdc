package durability

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// checks bounds the per-id requests of verify: every statement is checked
// in the lists (content included), and the statementId reads and the 409
// PUTs cover every statement of a request that once went unanswered or got
// a 503 (the ones a crash or a full disk could have half-written), plus a
// random sample of the others (all of them when the sample is negative).
type checks struct {
	byIDSample     int
	conflictSample int
}

// verified is what verify checked.
type verified struct {
	listed, byID, conflicts int
	// how long Consistent-Through took to pass the last acknowledgement,
	// and each check
	caughtUp, lists, byIDTook, conflictsTook time.Duration
}

func (v verified) String() string {
	return fmt.Sprintf("Consistent-Through passed the last acknowledgement after %s; checked: %d statements listed (unfiltered, by registration, by verb) in %s, %d read by statementId in %s, %d PUTs of other content (409) in %s",
		v.caughtUp.Round(time.Millisecond), v.listed, v.lists.Round(time.Millisecond), v.byID, v.byIDTook.Round(time.Millisecond),
		v.conflicts, v.conflictsTook.Round(time.Millisecond))
}

// verify checks, once Consistent-Through passed the last acknowledgement,
// that every acknowledged statement is stored exactly once: in the
// unfiltered list and the list filtered by the run's registration exactly
// once and with the content sent (a voided one in neither), in its writer's
// verb list once, readable by statementId (a voided one by
// voidedStatementId), and that a PUT of other content under its id gets 409.
// No list may hold a statement twice or one never acknowledged: every
// request the writers sent was retried until acknowledged.
func verify(t *testing.T, c *client, w *workload, l *ledger, opt checks) verified {
	t.Helper()
	start := time.Now()
	l.mu.Lock()
	last := l.lastAck
	l.mu.Unlock()
	c.waitConsistentThrough(t, last, 2*time.Minute)
	var v verified
	v.caughtUp = time.Since(start)
	start = time.Now()

	visible := map[uuid.UUID]*stmt{}
	for id, s := range l.acked {
		if !l.voided[id] {
			visible[id] = s
		}
	}
	type listCheck struct {
		path  string
		want  map[uuid.UUID]*stmt
		exact bool
	}
	lists := []listCheck{{"/statements?limit=1000", visible, true},
		{"/statements?limit=1000&registration=" + w.registration.String(), visible, true}}
	for n := 0; ; n++ {
		mine := map[uuid.UUID]*stmt{}
		for id, s := range visible {
			if s.writer == n && s.kind != voiding {
				mine[id] = s
			}
		}
		if len(mine) == 0 {
			break
		}
		lists = append(lists, listCheck{"/statements?limit=1000&verb=" + url.QueryEscape(w.verb(n)), mine, false})
	}
	var mu sync.Mutex
	run(len(lists), 3, func(i int) {
		lc := lists[i]
		got, err := list(c, lc.path)
		if err != nil {
			t.Error(err)
			return
		}
		checkList(t, lc.path, got, lc.want, l, lc.exact)
		mu.Lock()
		v.listed += len(got)
		mu.Unlock()
	})

	v.lists = time.Since(start)
	start = time.Now()
	ids := pick(l, opt.byIDSample)
	v.byID = len(ids)
	run(len(ids), 8, func(i int) {
		id := ids[i]
		s := l.acked[id]
		param := "statementId"
		if l.voided[id] {
			param = "voidedStatementId"
			if a := c.do(context.Background(), http.MethodGet, "/statements?statementId="+id.String(), nil); a.code != http.StatusNotFound {
				t.Errorf("GET ?statementId= of the voided statement %s: %d %v, want 404", id, a.code, a.err)
			}
		}
		a := c.do(context.Background(), http.MethodGet, "/statements?"+param+"="+id.String(), nil)
		if a.code != http.StatusOK {
			t.Errorf("GET ?%s=%s of an acknowledged statement: %d %v %.200s", param, id, a.code, a.err, a.body)
			return
		}
		if err := sameContent(s.raw, a.body); err != nil {
			t.Errorf("GET ?%s=%s: %v", param, id, err)
		}
	})
	v.byIDTook = time.Since(start)
	start = time.Now()
	ids = pick(l, opt.conflictSample)
	v.conflicts = len(ids)
	run(len(ids), 8, func(i int) {
		id := ids[i]
		a := c.do(context.Background(), http.MethodPut, "/statements?statementId="+id.String(), w.other(l.acked[id]))
		if a.code != http.StatusConflict {
			t.Errorf("PUT of other content under the acknowledged id %s: %d %v %.200s, want 409", id, a.code, a.err, a.body)
		}
	})
	v.conflictsTook = time.Since(start)
	return v
}

// checkList checks the statements of a list against want: each exactly
// once with the content sent, nothing twice, nothing never acknowledged, no
// voided statement; exact also demands nothing beyond want.
func checkList(t *testing.T, path string, got []listed, want map[uuid.UUID]*stmt, l *ledger, exact bool) {
	t.Helper()
	seen := map[uuid.UUID]int{}
	var missing, twice, unacked, voided, beyond, wrong []string
	for _, g := range got {
		seen[g.id]++
		if seen[g.id] == 2 {
			twice = append(twice, g.id.String())
		}
		s, ok := l.acked[g.id]
		switch {
		case !ok:
			unacked = append(unacked, g.id.String())
			continue
		case l.voided[g.id]:
			voided = append(voided, g.id.String())
		case exact && want[g.id] == nil:
			beyond = append(beyond, g.id.String())
		}
		if err := sameContent(s.raw, g.raw); err != nil && seen[g.id] == 1 {
			wrong = append(wrong, err.Error())
		}
	}
	for id := range want {
		if seen[id] == 0 {
			missing = append(missing, id.String())
		}
	}
	for _, p := range []struct {
		what string
		ids  []string
	}{{"acknowledged statements missing", missing}, {"statements listed twice", twice},
		{"statements never acknowledged", unacked}, {"voided statements listed", voided},
		{"statements beyond those expected", beyond}, {"statements with other content", wrong}} {
		if len(p.ids) > 0 {
			t.Errorf("GET %s (%d statements): %d %s: %s", path, len(got), len(p.ids), p.what, head(p.ids, 5))
		}
	}
}

func head(s []string, n int) string {
	if len(s) > n {
		return strings.Join(s[:n], ", ") + ", ..."
	}
	return strings.Join(s, ", ")
}

// listed is one statement of a list.
type listed struct {
	id  uuid.UUID
	raw json.RawMessage
}

// list reads every page of a list, following more.
func list(c *client, path string) ([]listed, error) {
	var out []listed
	for path != "" {
		a := c.do(context.Background(), http.MethodGet, path, nil)
		if a.code != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %v %.300s", path, a.code, a.err, a.body)
		}
		var page struct {
			Statements []json.RawMessage `json:"statements"`
			More       string            `json:"more"`
		}
		if err := json.Unmarshal(a.body, &page); err != nil {
			return nil, fmt.Errorf("GET %s: %w", path, err)
		}
		for _, raw := range page.Statements {
			var st struct {
				ID uuid.UUID `json:"id"`
			}
			if err := json.Unmarshal(raw, &st); err != nil {
				return nil, fmt.Errorf("GET %s: statement %.200s: %w", path, raw, err)
			}
			out = append(out, listed{id: st.ID, raw: raw})
		}
		path = ""
		if page.More != "" {
			path = strings.TrimPrefix(page.More, "/xapi")
		}
	}
	return out, nil
}

// sameContent checks that every property sent comes back unchanged (the
// LRS adds stored, authority, version and timestamp).
func sameContent(sent, got []byte) error {
	var s, g map[string]any
	if err := json.Unmarshal(sent, &s); err != nil {
		return err
	}
	if err := json.Unmarshal(got, &g); err != nil {
		return fmt.Errorf("%.200s: %w", got, err)
	}
	for k, v := range s {
		if !reflect.DeepEqual(v, g[k]) {
			return fmt.Errorf("statement %v: %s is %v, sent %v", s["id"], k, g[k], v)
		}
	}
	return nil
}

// pick returns every suspect id and sample others (all when sample < 0).
func pick(l *ledger, sample int) []uuid.UUID {
	var out, rest []uuid.UUID
	for _, s := range l.order {
		if l.suspect[s.id] {
			out = append(out, s.id)
		} else {
			rest = append(rest, s.id)
		}
	}
	if sample < 0 || sample >= len(rest) {
		return append(out, rest...)
	}
	rand.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	return append(out, rest[:sample]...)
}

// run calls fn(0..n-1), workers at a time.
func run(n, workers int, fn func(int)) {
	ch := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				fn(i)
			}
		}()
	}
	for i := range n {
		ch <- i
	}
	close(ch)
	wg.Wait()
}
