package server

import (
	"bytes"
	"testing"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// TestFactsOfTheStoredStatementHandedOver: with Deps.Facts, every envelope
// carries the facts of the statement exactly as it is stored (finalized:
// its bytes are the encoding of the tree the facts were computed from), so
// the all-in-one sink need not decode it again; without, none.
func TestFactsOfTheStoredStatementHandedOver(t *testing.T) {
	var noDefine []bool
	f := newFixtureDeps(t, nil, func(d *Deps) {
		d.Facts = func(st xapi.Statement, raw []byte, nd bool) []byte {
			noDefine = append(noDefine, nd)
			b, err := xapi.Marshal(st)
			if err != nil || !bytes.Equal(b, raw) {
				t.Errorf("raw %s is not the encoding of the statement (%v)", raw, err)
			}
			return b
		}
	})
	resp, body := f.do(t, request{method: "POST", body: "[" + statementWithID(uuid.NewString()) + "," + statement + "]"})
	if resp.StatusCode != 200 {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	if resp, body := f.do(t, request{method: "PUT", query: "?statementId=" + uuid.NewString(), body: statement}); resp.StatusCode != 204 {
		t.Fatalf("PUT: %d %s", resp.StatusCode, body)
	}
	if len(f.pub.got) != 3 {
		t.Fatalf("published %d envelopes, want 3", len(f.pub.got))
	}
	for i, env := range f.pub.got {
		if !bytes.Equal(env.Facts, env.Statement) {
			t.Errorf("envelope %d: facts of\n%s\nfor the stored statement\n%s", i, env.Facts, env.Statement)
		}
	}
	if len(noDefine) != 3 || noDefine[0] || noDefine[2] {
		t.Errorf("noDefine = %v, want false for a credential with every scope", noDefine)
	}

	plain := newFixture(t)
	if resp, body := plain.do(t, request{method: "POST", body: statement}); resp.StatusCode != 200 {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	if plain.pub.got[0].Facts != nil {
		t.Errorf("facts without Deps.Facts: %q", plain.pub.got[0].Facts)
	}
}
