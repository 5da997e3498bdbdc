package loadgen

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
)

// Bodies carry realistic statements (about 1.1–1.3 KB with context and
// result), half of them with client-chosen ids that never repeat, and are
// the same for the same seed apart from those ids.
func TestBodies_RealisticStatementsHalfWithFreshClientIDs(t *testing.T) {
	b, err := NewBodies(7, 50, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if size := b.AverageStatementBytes(); size < 1100 || size > 1300 {
		t.Errorf("average statement %d bytes, want 1.1–1.3 KB", size)
	}
	ids := map[string]bool{}
	withIDs, without := 0, 0
	var buf []byte
	for range 2 * len(b.list) { // twice round the pool: reused bodies get new ids
		raw, n, first := b.Next(buf)
		if first != nil {
			buf = raw
		}
		var stmts []map[string]any
		if err := json.Unmarshal(raw, &stmts); err != nil || len(stmts) != n || n != 50 {
			t.Fatalf("body of %d statements: %v", len(stmts), err)
		}
		for i, st := range stmts {
			id, has := st["id"].(string)
			if (first != nil) != has {
				t.Fatalf("statement %d: id %q in a body whose first id is %q", i, id, first)
			}
			if !has {
				without++
				continue
			}
			withIDs++
			if u, err := uuid.Parse(id); err != nil || u.Version() != 4 || ids[id] {
				t.Fatalf("id %q: %v, repeated %v", id, err, ids[id])
			}
			ids[id] = true
			for _, k := range []string{"actor", "verb", "object", "result", "context", "timestamp"} {
				if st[k] == nil {
					t.Fatalf("statement without %s: %v", k, st)
				}
			}
		}
	}
	if withIDs != without {
		t.Errorf("%d statements with client ids, %d without; want half each", withIDs, without)
	}
	again, err := NewBodies(7, 50, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b.list {
		if !bytes.Equal(b.list[i].raw, again.list[i].raw) {
			t.Fatalf("body %d differs for the same seed", i)
		}
	}
}

func TestBodies_SingleStatementIsAnObject(t *testing.T) {
	b, err := NewBodies(1, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		raw, n, _ := b.Next(nil)
		var st map[string]any
		if n != 1 || json.Unmarshal(raw, &st) != nil || st["verb"] == nil {
			t.Fatalf("want one statement object, got %d: %.80s", n, raw)
		}
	}
}
