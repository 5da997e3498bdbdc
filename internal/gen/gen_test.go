package gen

import (
	"encoding/json"
	"testing"
)

func TestStatementsAreRealisticSize(t *testing.T) {
	g := New(DefaultOptions())
	total := 0
	ids := map[string]bool{}
	for i := 0; i < 1000; i++ {
		st := g.Next()
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		total += len(b)
		ids[st["id"].(string)] = true
	}
	if avg := total / 1000; avg < 900 || avg > 1800 {
		t.Fatalf("average statement is %d bytes, want about 1.3 KB", avg)
	}
	if len(ids) != 1000 {
		t.Fatalf("ids repeat: %d distinct of 1000", len(ids))
	}
}

func TestSkewedActors(t *testing.T) {
	g := New(DefaultOptions())
	counts := map[string]int{}
	for i := 0; i < 5000; i++ {
		counts[g.Next()["actor"].(map[string]any)["mbox"].(string)]++
	}
	if counts[ActorMbox(0)] < 50 || len(counts) < 500 {
		t.Fatalf("want a popular head and a long tail: head=%d distinct=%d", counts[ActorMbox(0)], len(counts))
	}
}
