package e2e

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
	"github.com/tributary-lrs/tributary/schemas/store"
)

func statements(g *gen.Generator, n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

// The path of a statement: HTTP POST → ingest → kafka-go → kfake → processor
// → chDB → query → HTTP GET, with the statement returned exactly as stored.
func TestEndToEnd_PostThenGet(t *testing.T) {
	s := newStack(t)
	s.startProcessor(0)
	g := gen.New(gen.DefaultOptions())
	sent := statements(g, 50)
	code, ids := s.post(sent)
	if code != http.StatusOK || len(ids) != 50 {
		t.Fatalf("POST: status %d, %d ids", code, len(ids))
	}
	newest := s.acked.newest()
	// Consistent-Through reaches the statements' stored time…
	waitFor(t, 10*time.Second, "Consistent-Through to pass the acknowledged statements", func() bool {
		_, h, _ := s.get("/xapi/statements?limit=1")
		return !consistentThrough(t, h).Before(newest)
	})
	// …and then every one of them is visible, once.
	got := s.all("/xapi/statements?limit=7")
	for _, id := range ids {
		if _, ok := got[id]; !ok {
			t.Fatalf("statement %s acknowledged but not returned", id)
		}
	}
	// By id, with the LRS-set properties, and filters find it.
	r, h, code := s.get("/xapi/statements?statementId=" + ids[0])
	if code != http.StatusOK || h.Get("Last-Modified") == "" || h.Get("X-Experience-API-Consistent-Through") == "" {
		t.Fatalf("GET by id: status %d, headers %v", code, h)
	}
	_ = r
	agent := `{"mbox":"` + sent[0]["actor"].(map[string]any)["mbox"].(string) + `"}`
	byAgent := s.all("/xapi/statements?agent=" + urlEscape(agent))
	if _, ok := byAgent[ids[0]]; !ok {
		t.Fatalf("agent filter misses statement %s", ids[0])
	}
	// Same id again, identical: no change; different: 409, the first stays.
	if code, _ := s.post(sent[:1]); code != http.StatusOK {
		t.Fatalf("identical repost: status %d", code)
	}
	changed := map[string]any{}
	for k, v := range sent[0] {
		changed[k] = v
	}
	changed["verb"] = map[string]any{"id": "http://adlnet.gov/expapi/verbs/failed"}
	if code, _ := s.post([]map[string]any{changed}); code != http.StatusConflict {
		t.Fatalf("conflicting repost: status %d, want 409", code)
	}
}

// Processor killed mid-stream (between insert and commit) and restarted:
// every acknowledged statement is visible exactly once.
func TestEndToEnd_ProcessorCrashAndRestart(t *testing.T) {
	s := newStack(t)
	s.startProcessor(3) // dies after its third stored batch, before committing it
	g := gen.New(gen.DefaultOptions())
	var ids []string
	for i := 0; i < 20; i++ {
		code, got := s.post(statements(g, 25))
		if code != http.StatusOK {
			t.Fatalf("POST %d: status %d", i, code)
		}
		ids = append(ids, got...)
	}
	waitFor(t, 10*time.Second, "the first processor to crash", func() bool {
		select {
		case err := <-s.processor.done:
			if err != errGoexit {
				t.Fatalf("processor ended with %v, want the simulated crash", err)
			}
			return true
		default:
			return false
		}
	})
	s.mu.Lock()
	s.processor = nil
	s.mu.Unlock()
	before := s.inserts.count()
	s.startProcessor(0)
	newest := s.acked.newest()
	waitFor(t, 30*time.Second, "Consistent-Through after the restart", func() bool {
		_, h, _ := s.get("/xapi/statements?limit=1")
		return !consistentThrough(t, h).Before(newest)
	})
	if s.inserts.count() <= before {
		t.Fatal("the restarted processor stored nothing: the crashed batch was not redelivered")
	}
	got := s.all("/xapi/statements?limit=100") // all() fails on a duplicate
	if len(got) != len(ids) {
		t.Fatalf("visible %d statements, acknowledged %d", len(got), len(ids))
	}
	for _, id := range ids {
		if _, ok := got[id]; !ok {
			t.Fatalf("acknowledged statement %s lost", id)
		}
	}
	// The redelivered batch was skipped by the sink, not merely hidden at read time.
	rows, err := engine.Query(context.Background(), store.SQL("SELECT count(), uniqExact(id) FROM "+store.Table(s.db, "statements")))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n, uniq uint64
	for rows.Next() {
		if err := rows.Scan(&n, &uniq); err != nil {
			t.Fatal(err)
		}
	}
	if n != uniq || n != uint64(len(ids)) {
		t.Fatalf("statements table holds %d rows for %d distinct ids (%d acknowledged)", n, uniq, len(ids))
	}
}

// X-Experience-API-Consistent-Through never claims a time for which an
// acknowledged statement is not yet visible (Communication 2.1.3).
func TestEndToEnd_ConsistentThroughNeverOverstates(t *testing.T) {
	s := newStack(t)
	s.startProcessor(0)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			o := gen.DefaultOptions()
			o.Seed = uint64(w + 10)
			g := gen.New(o)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if code, _ := s.post(statements(g, 1+w*5)); code != http.StatusOK {
					t.Errorf("POST: status %d", code)
					return
				}
			}
		}(w)
	}
	// Observe until 20 observations covered acknowledged statements (bounded
	// at 20 s: a slow machine gives fewer per second, never a wrong one).
	checks := 0
	deadline := time.Now().Add(20 * time.Second)
	for checks < 20 && time.Now().Before(deadline) {
		before := s.acked.snapshot() // acknowledged before the observation started
		_, h, code := s.get("/xapi/statements?limit=1")
		if code != http.StatusOK {
			t.Fatalf("GET: status %d", code)
		}
		ct := consistentThrough(t, h)
		// Every statement acknowledged before we asked, stored at or before
		// the claimed time, must be returned by a query up to that time.
		window := ct.Add(-2 * time.Second)
		var want []string
		for id, stored := range before {
			if stored.After(window) && !stored.After(ct) {
				want = append(want, id)
			}
		}
		got := s.all("/xapi/statements?limit=500&since=" + timeParam(window) + "&until=" + timeParam(ct))
		for _, id := range want {
			if _, ok := got[id]; !ok {
				t.Fatalf("Consistent-Through %s claimed, but statement %s (stored %s) is not visible",
					ct.Format(time.RFC3339Nano), id, before[id].Format(time.RFC3339Nano))
			}
		}
		if len(want) > 0 {
			checks++
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if checks < 10 {
		t.Fatalf("only %d observations covered acknowledged statements; the watermark barely moved", checks)
	}
	// Under light load it trails real time by well under a second.
	time.Sleep(300 * time.Millisecond)
	_, h, _ := s.get("/xapi/statements?limit=1")
	if lag := time.Since(consistentThrough(t, h)); lag > time.Second {
		t.Fatalf("Consistent-Through trails real time by %s on an idle LRS", lag)
	}
	t.Logf("%d observations checked", checks)
}
