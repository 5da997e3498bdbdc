package query

import (
	"context"
	"fmt"
	"time"

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
	rows, err := s.d.Engine.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []statements.Position
	for rows.Next() {
		var p statements.Position
		if err := rows.Scan(&p.Stored, &p.ID); err != nil {
			return nil, fmt.Errorf("scan candidate: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// excluded returns the ids among ps that a list leaves out.
func (s *Service) excluded(ctx context.Context, tenant string, ps []statements.Position) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	if len(ps) == 0 {
		return out, nil
	}
	rows, err := s.d.Engine.Query(ctx, statements.ExcludedSQL(s.d.Database, tenant, ps))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan excluded id: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
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
	rows, err := s.d.Engine.Query(ctx, statements.RawSQL(s.d.Database, tenant, ps))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id     uuid.UUID
			stored time.Time
			raw    []byte
		)
		if err := rows.Scan(&id, &stored, &raw); err != nil {
			return nil, fmt.Errorf("scan statement: %w", err)
		}
		if i, ok := at[statements.Position{Stored: stored.UTC(), ID: id}]; ok {
			out[i] = raw
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, r := range out {
		if r == nil {
			return nil, fmt.Errorf("statement %s (stored %s) listed but not readable", ps[i].ID, ps[i].Stored)
		}
	}
	return out, nil
}
