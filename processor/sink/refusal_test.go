package sink

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// TestIssue9_RefusalsAreClassifiedWithErrorsIs: "processor/sink classifies a
// conflict by comparing a reason string; carry an error that matches
// store.ErrConflict with errors.Is". A statement whose id is stored with other
// content, or given twice in a batch with other content, is refused with an
// error matching store.ErrConflict; an invalid one with ErrInvalid.
func TestIssue9_RefusalsAreClassifiedWithErrorsIs(t *testing.T) {
	db := newDB(t)
	s := newSink(t, eng, db)
	stored := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	first := envOf(t, stmtWithDefs, stored)
	mustWrite(t, s, first)

	other := func(e *envelope.Envelope) *envelope.Envelope {
		c := *e
		c.ContentHash = "other-" + e.ContentHash
		return &c
	}
	twice := envOf(t, stmtWithDefs, stored)
	invalid := envOf(t, stmtWithDefs, stored)
	invalid.Statement = []byte(strings.Replace(string(invalid.Statement), `"verb"`, `"verbb"`, 1))

	rej, err := s.Write(context.Background(), "", []*envelope.Envelope{other(first), twice, other(twice), invalid})
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) != 3 {
		t.Fatalf("rejected %d statements, want 3: %v", len(rej), rej)
	}
	for _, r := range rej {
		switch r.Envelope.ID {
		case first.ID, twice.ID:
			if !errors.Is(r.Err, store.ErrConflict) || errors.Is(r.Err, ErrInvalid) {
				t.Errorf("refusal of %s = %v, want one matching store.ErrConflict", r.Envelope.ID, r.Err)
			}
		case invalid.ID:
			if !errors.Is(r.Err, ErrInvalid) || errors.Is(r.Err, store.ErrConflict) {
				t.Errorf("refusal of the invalid statement = %v, want one matching ErrInvalid", r.Err)
			}
		default:
			t.Errorf("refused %s, which was neither conflicting nor invalid", r.Envelope.ID)
		}
	}
}
