package e2e

import (
	"context"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// crashOnInsert ends the processor's goroutine at its first insert into
// table, as a kill -9 between the two inserts of one batch would.
type crashOnInsert struct {
	store.Engine
	table string
}

func (c crashOnInsert) Insert(ctx context.Context, b *store.Batch) error {
	if b.Table == c.table {
		runtime.Goexit()
	}
	return c.Engine.Insert(ctx, b)
}

func plainStatement(id, actor string) map[string]any {
	return map[string]any{"id": id, "actor": map[string]any{"mbox": "mailto:" + actor + "@example.com"},
		"verb": map[string]any{"id": "http://adlnet.gov/expapi/verbs/completed"}, "object": map[string]any{"id": "http://example.com/course"}}
}

func refStatement(id, actor, target string) map[string]any {
	return map[string]any{"id": id, "actor": map[string]any{"mbox": "mailto:" + actor + "@example.com"},
		"verb":   map[string]any{"id": "http://example.com/verbs/confirmed"},
		"object": map[string]any{"objectType": "StatementRef", "id": target}}
}

// Communication 2.1.3 "Filter Conditions for StatementRefs" (issue 7, item
// 10) on the distributed path: a StatementRef meets its target's filters
// whether it is stored before or after its target (statements keyed by
// their own ids, on different partitions), also when the processor dies
// between storing the target and writing the inheritance of the referrer
// stored earlier, and is restarted.
func TestEndToEnd_StatementRefInheritanceAnyOrderAcrossARestart(t *testing.T) {
	s := newStack(t)
	s.startProcessorOn(crashOnInsert{Engine: engine, table: store.Table(s.db, "statement_index")}, 0)
	tag := uuid.NewString()[:8]
	early, earlyRef := uuid.NewString(), uuid.NewString() // target first
	late, lateRef := uuid.NewString(), uuid.NewString()   // referrer first
	postOK := func(st map[string]any) {
		t.Helper()
		if code, _ := s.post([]map[string]any{st}); code != http.StatusOK {
			t.Fatalf("POST %v: status %d", st["id"], code)
		}
	}
	visible := func(id string) func() bool {
		return func() bool { _, _, code := s.get("/xapi/statements?statementId=" + id); return code == http.StatusOK }
	}
	postOK(plainStatement(early, "ann-"+tag))
	waitFor(t, 10*time.Second, "the early target stored", visible(early))
	postOK(refStatement(earlyRef, "bob-"+tag, early))
	postOK(refStatement(lateRef, "carl-"+tag, late))
	waitFor(t, 10*time.Second, "the referrers stored", func() bool { return visible(earlyRef)() && visible(lateRef)() })
	postOK(plainStatement(late, "dan-"+tag))
	waitFor(t, 10*time.Second, "the processor to crash writing the late inheritance", func() bool {
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
	s.startProcessor(0)
	newest := s.acked.newest()
	waitFor(t, 30*time.Second, "Consistent-Through after the restart", func() bool {
		_, h, _ := s.get("/xapi/statements?limit=1")
		return !consistentThrough(t, h).Before(newest)
	})
	for actor, want := range map[string][]string{"ann-" + tag: {early, earlyRef}, "dan-" + tag: {late, lateRef}} {
		got := s.all("/xapi/statements?agent=" + urlEscape(`{"mbox":"mailto:`+actor+`@example.com"}`))
		if len(got) != len(want) {
			t.Errorf("agent %s: %d statements %v, want %v", actor, len(got), got, want)
		}
		for _, id := range want {
			if _, ok := got[id]; !ok {
				t.Errorf("agent %s: statement %s missing", actor, id)
			}
		}
	}
}
