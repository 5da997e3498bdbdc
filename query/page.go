package query

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/query/statements"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// The candidate reads of one page are bounded by constants, never by the
// data: at most maxRounds reads of at most maxCandidates positions each, so
// no SQL text grows with a long run of statements the page leaves out (the
// id lists of ExcludedSQL hold at most maxCandidates ids). A page still
// short after them is returned with a more link (limit is a maximum).
const (
	maxRounds     = 8
	maxCandidates = 2048
)

// page finds the positions of c's next page (at most Limit, in page order)
// and, when statements may follow it, the position a `more` link resumes
// after (nil: the list ends here). Candidates come in sorting-key order;
// repeated ones (a copy not merged yet, several index rows of one statement)
// and voided ones are dropped, and more are read after the last candidate,
// each round twice as many as the last, until Limit+1 are kept, none are
// left or the rounds are spent.
func (s *Service) page(ctx context.Context, v statements.Viewer, c statements.Cursor) ([]statements.Position, *statements.Position, error) {
	want := c.Filter.Limit + 1
	n := min(2*want, maxCandidates)
	seen := make(map[uuid.UUID]bool, want)
	var kept []statements.Position
	for round := 0; round < maxRounds; round++ {
		cands, err := s.positions(ctx, statements.CandidatesSQL(s.d.Database, v, c, n))
		if err != nil {
			return nil, nil, err
		}
		var fresh []statements.Position
		for _, p := range cands {
			if !seen[p.ID] {
				seen[p.ID] = true
				fresh = append(fresh, p)
			}
		}
		excluded, err := s.excluded(ctx, v.Tenant, fresh)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range fresh {
			if excluded[p.ID] {
				continue
			}
			if kept = append(kept, p); len(kept) == want {
				page := kept[:want-1]
				return page, &page[len(page)-1], nil
			}
		}
		if len(cands) < n {
			return kept, nil, nil
		}
		last := cands[len(cands)-1]
		c.After = &last
		n = min(2*n, maxCandidates)
	}
	// Still short after maxRounds: a shorter page with a more link is
	// correct (limit is a maximum); the link resumes after the last
	// candidate examined.
	return kept, c.After, nil
}

// positions runs a CandidatesSQL query.
func (s *Service) positions(ctx context.Context, q store.Query) ([]statements.Position, error) {
	var out []statements.Position
	var p statements.Position
	if err := store.EachRow(ctx, s.d.Engine, q, func() { out = append(out, p) }, &p.Stored, &p.ID); err != nil {
		return nil, fmt.Errorf("read candidates: %w", err)
	}
	return out, nil
}

// excluded returns the ids among ps that a list leaves out.
func (s *Service) excluded(ctx context.Context, tenant string, ps []statements.Position) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	if len(ps) == 0 {
		return out, nil
	}
	var id uuid.UUID
	q := statements.ExcludedSQL(s.d.Database, tenant, ps)
	if err := store.EachRow(ctx, s.d.Engine, q, func() { out[id] = true }, &id); err != nil {
		return nil, fmt.Errorf("read excluded ids: %w", err)
	}
	return out, nil
}

// raws reads the stored bytes of ps, returned in the order of ps.
func (s *Service) raws(ctx context.Context, tenant string, ps []statements.Position) ([][]byte, error) {
	out := make([][]byte, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	at := make(map[statements.Position]int, len(ps))
	for i, p := range ps {
		at[statements.Position{Stored: p.Stored.UTC(), ID: p.ID}] = i
	}
	var p statements.Position
	var raw []byte
	err := store.EachRow(ctx, s.d.Engine, statements.RawSQL(s.d.Database, tenant, ps), func() {
		if i, ok := at[statements.Position{Stored: p.Stored.UTC(), ID: p.ID}]; ok {
			out[i] = raw
		}
	}, &p.ID, &p.Stored, &raw)
	if err != nil {
		return nil, fmt.Errorf("read statements: %w", err)
	}
	for i, r := range out {
		if r == nil {
			return nil, fmt.Errorf("statement %s (stored %s) listed but not readable", ps[i].ID, ps[i].Stored)
		}
	}
	return out, nil
}
