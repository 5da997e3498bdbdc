package sink

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// CompleteRefs writes the StatementRef inheritance (Communication 2.1.3
// "Filter Conditions for StatementRefs") that rows still lack once they are
// stored: rows is what a writer has just inserted, or found stored already
// (a redelivered copy, with the stored time of the stored statement), each
// with the Inherited rows it was inserted with.
//
// Referrer and target are keyed by their own ids and may be stored in any
// order, by different processors at the same time. So after its insert
// returned, a writer looks at the neighbourhood of every statement of rows:
// the stored statements referring to it (their statementref rows, up to
// maxRefDepth levels), and its own target chain as now stored. Every
// referrer that lacks the rows of a statement further down the chain (its
// verb row is the marker) gets them, in one insert straight into
// statement_index. Of two writers storing a referrer and its target
// concurrently, the one whose insert returned last sees the other's, so at
// least one of them writes the link; a link written twice collapses
// (ReplacingMergeTree, via in the sorting key). A crash before this step is
// repaired when the batch is delivered again, since it runs for copies
// already stored too.
func (s *Sink) CompleteRefs(ctx context.Context, rows []store.StatementRow) error {
	if len(rows) == 0 {
		return nil
	}
	g := newRefGraph(rows)
	if err := g.findReferrers(ctx, s.eng, s.db); err != nil {
		return err
	}
	if err := g.loadChains(ctx, s); err != nil {
		return err
	}
	links := g.links()
	if len(links) == 0 {
		return nil
	}
	held, err := store.HeldLinks(ctx, s.eng, s.db, links)
	if err != nil {
		return err
	}
	var missing []store.Inheritance
	for _, l := range links {
		if held[store.LinkKey{Owner: l.Owner, Via: l.Via}] {
			continue
		}
		owner, via := g.nodes[l.Owner], g.nodes[store.StatementKey{Tenant: l.Owner.Tenant, ID: l.Via}]
		missing = append(missing, store.Inheritance{Owner: l.Owner, Stored: owner.stored, AuthorityKey: owner.auth,
			Rows: verbLast(via.own)})
	}
	if len(missing) == 0 {
		return nil
	}
	if err := s.eng.Insert(ctx, store.InheritedBatch(s.db, missing)); err != nil {
		return fmt.Errorf("insert %d StatementRef inheritances: %w", len(missing), err)
	}
	s.metrics.linksCompleted.Add(float64(len(missing)))
	return nil
}

// refNode is one statement around a batch: what is known of it.
type refNode struct {
	stored time.Time // for a statement that may inherit (batch or referrer)
	auth   string
	// loaded: own and target are known (a batch row, or read from the store).
	loaded bool
	own    []store.IndexRow
	target *store.StatementKey
	// held are the statements whose rows it was inserted with.
	held map[uuid.UUID]bool
}

// refGraph is the batch with its referrers and target chains.
type refGraph struct {
	batch     []store.StatementKey
	nodes     map[store.StatementKey]*refNode
	referrers map[store.StatementKey][]store.StatementKey
	absent    map[store.StatementKey]bool // asked for, not stored
}

func newRefGraph(rows []store.StatementRow) *refGraph {
	g := &refGraph{nodes: map[store.StatementKey]*refNode{}, referrers: map[store.StatementKey][]store.StatementKey{},
		absent: map[store.StatementKey]bool{}}
	for i := range rows {
		r := &rows[i]
		k := store.StatementKey{Tenant: r.Tenant, ID: r.ID}
		if _, dup := g.nodes[k]; dup {
			continue
		}
		n := &refNode{stored: r.Stored, auth: r.AuthorityKey, loaded: true, own: store.OwnIndexRows(r), held: map[uuid.UUID]bool{}}
		if t, ok := refTarget(r); ok {
			n.target = &t
		}
		for _, x := range r.Inherited {
			n.held[x.Via] = true
		}
		g.batch = append(g.batch, k)
		g.nodes[k] = n
	}
	return g
}

// findReferrers reads the stored statements referring to the batch, and to
// those, up to maxRefDepth levels.
func (g *refGraph) findReferrers(ctx context.Context, eng store.Engine, db string) error {
	visited := map[store.StatementKey]bool{}
	for _, k := range g.batch {
		visited[k] = true
	}
	frontier := g.batch
	for depth := 0; depth < maxRefDepth && len(frontier) > 0; depth++ {
		refs, err := store.Referrers(ctx, eng, db, frontier)
		if err != nil {
			return err
		}
		var next []store.StatementKey
		for _, r := range refs {
			target := store.StatementKey{Tenant: r.Key.Tenant, ID: r.Target}
			if r.Key == target {
				continue
			}
			g.referrers[target] = append(g.referrers[target], r.Key)
			if g.nodes[r.Key] == nil {
				g.nodes[r.Key] = &refNode{stored: r.Stored, auth: r.AuthorityKey}
			}
			if !visited[r.Key] {
				visited[r.Key] = true
				next = append(next, r.Key)
			}
		}
		frontier = next
	}
	return nil
}

// loadChains reads from the store the target chain of every batch
// statement, as far as it is stored, up to maxRefDepth statements.
func (g *refGraph) loadChains(ctx context.Context, s *Sink) error {
	var frontier []store.StatementKey
	for _, k := range g.batch {
		frontier = append(frontier, g.toLoad(g.nodes[k])...)
	}
	for depth := 0; depth < maxRefDepth && len(frontier) > 0; depth++ {
		slices.SortFunc(frontier, compareKeys)
		frontier = slices.Compact(frontier)
		raws, err := store.StatementsByID(ctx, s.eng, s.db, frontier)
		if err != nil {
			return fmt.Errorf("read StatementRef targets: %w", err)
		}
		var next []store.StatementKey
		for _, k := range frontier {
			raw, ok := raws[k]
			if !ok {
				g.absent[k] = true
				continue
			}
			r, err := storedRow(k, raw)
			if err != nil {
				s.log.Warn("stored StatementRef target does not decode; nothing inherited", "id", k.ID, "err", err)
				g.absent[k] = true
				continue
			}
			n := g.nodes[k]
			if n == nil {
				n = &refNode{}
				g.nodes[k] = n
			}
			n.loaded, n.own, n.auth = true, store.OwnIndexRows(&r), r.AuthorityKey
			if t, ok := refTarget(&r); ok {
				n.target = &t
			}
			next = append(next, g.toLoad(n)...)
		}
		frontier = next
	}
	return nil
}

// toLoad is n's target when it still has to be read.
func (g *refGraph) toLoad(n *refNode) []store.StatementKey {
	if n.target == nil || g.absent[*n.target] {
		return nil
	}
	if t := g.nodes[*n.target]; t != nil && t.loaded {
		return nil
	}
	return []store.StatementKey{*n.target}
}

// hop is a statement at a distance (in StatementRefs) from a batch statement.
type hop struct {
	key  store.StatementKey
	dist int
}

// links are the (owner, via) pairs around the batch that must be written:
// owner refers, directly or through others, to a batch statement b, and via
// is b or a statement of b's target chain, at most maxRefDepth references
// apart; pairs the owner was inserted with are left out.
func (g *refGraph) links() []store.Link {
	seen := map[store.LinkKey]bool{}
	var out []store.Link
	for _, b := range g.batch {
		down, up := g.chain(b), g.ups(b)
		for _, u := range up {
			owner := g.nodes[u.key]
			for _, d := range down {
				if u.key == d.key || u.dist+d.dist > maxRefDepth || owner.held[d.key.ID] {
					continue
				}
				k := store.LinkKey{Owner: u.key, Via: d.key.ID}
				if seen[k] {
					continue
				}
				seen[k] = true
				out = append(out, store.Link{Owner: u.key, Stored: owner.stored, Via: d.key.ID,
					ViaVerb: verbOf(g.nodes[d.key].own)})
			}
		}
	}
	return out
}

// chain is b and its stored target chain.
func (g *refGraph) chain(b store.StatementKey) []hop {
	out := []hop{{b, 0}}
	seen := map[store.StatementKey]bool{b: true}
	for n := g.nodes[b]; n.target != nil && len(out) <= maxRefDepth; {
		t := *n.target
		if n = g.nodes[t]; n == nil || !n.loaded || seen[t] {
			break
		}
		seen[t] = true
		out = append(out, hop{t, len(out)})
	}
	return out
}

// ups is b and the statements referring to it, directly or not.
func (g *refGraph) ups(b store.StatementKey) []hop {
	out := []hop{{b, 0}}
	seen := map[store.StatementKey]bool{b: true}
	for i := 0; i < len(out); i++ {
		if out[i].dist == maxRefDepth {
			continue
		}
		for _, r := range g.referrers[out[i].key] {
			if !seen[r] {
				seen[r] = true
				out = append(out, hop{r, out[i].dist + 1})
			}
		}
	}
	return out
}

// verbLast orders a statement's rows with its verb row last: HeldLinks
// takes that row as the mark of a written link, so it must not be written
// before the others.
func verbLast(rows []store.IndexRow) []store.IndexRow {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b store.IndexRow) int {
		switch {
		case a.Kind == b.Kind || (a.Kind != "verb" && b.Kind != "verb"):
			return 0
		case a.Kind == "verb":
			return 1
		default:
			return -1
		}
	})
	return out
}

// verbOf is the verb of a statement: the key of its verb row.
func verbOf(rows []store.IndexRow) string {
	for _, x := range rows {
		if x.Kind == "verb" {
			return x.Key
		}
	}
	return ""
}

func compareKeys(a, b store.StatementKey) int {
	if a.Tenant != b.Tenant {
		if a.Tenant < b.Tenant {
			return -1
		}
		return 1
	}
	return slices.Compare(a.ID[:], b.ID[:])
}
