package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// StatementRef inheritance (Communication 2.1.3 "Filter Conditions for
// StatementRefs") when the referring statement is stored before its target,
// or the two are stored concurrently: the processor finds the stored
// referrers of a statement through their statementref rows (migration 0012)
// and writes the rows they inherit straight into statement_index.

// Referrer is a stored statement whose object is a StatementRef.
type Referrer struct {
	Key          StatementKey
	Target       uuid.UUID
	Stored       time.Time
	AuthorityKey string
}

// referrers reads the statementref rows naming any of targets.
const referrers = "SELECT id, key, stored, authority_key FROM {db}.statement_index WHERE tenant = {tenant:String} " +
	"AND kind = 'statementref' AND key IN {targets:Array(String)} LIMIT 1 BY id"

// Referrers returns the stored statements targeting any of targets with a
// StatementRef: point reads of the statementref rows of statement_index,
// chunked.
func Referrers(ctx context.Context, e Engine, db string, targets []StatementKey) ([]Referrer, error) {
	var out []Referrer
	err := inChunks(targets, func(tenant string, ids []uuid.UUID) error {
		q := Query{Text: InDB(referrers, db), Params: Params{{"tenant", tenant}, {"targets", ids}}}
		ref, target := Referrer{Key: StatementKey{Tenant: tenant}}, ""
		return EachRow(ctx, e, q, func() {
			ref.Target = uuid.MustParse(target) // one of the keys asked for
			out = append(out, ref)
		}, &ref.Key.ID, &target, &ref.Stored, &ref.AuthorityKey)
	})
	if err != nil {
		return nil, fmt.Errorf("read StatementRef referrers: %w", err)
	}
	return out, nil
}

// Link is a referring statement (Owner, stored at Stored) and a statement
// of its target chain (Via, whose verb is ViaVerb): Owner inherits the
// filter rows of Via.
type Link struct {
	Owner   StatementKey
	Stored  time.Time
	Via     uuid.UUID
	ViaVerb string
}

// LinkKey identifies a Link.
type LinkKey struct {
	Owner StatementKey
	Via   uuid.UUID
}

// maxLinks bounds the links of one HeldLinks query (four literals each).
const maxLinks = 500

// HeldLinks returns which of links are written already: the owner holds the
// verb row of Via (every statement has exactly one verb row, and the
// processor writes it last of a link's rows). Point reads, chunked.
func HeldLinks(ctx context.Context, e Engine, db string, links []Link) (map[LinkKey]bool, error) {
	out := map[LinkKey]bool{}
	perTenant := map[string][]Link{}
	for _, l := range links {
		perTenant[l.Owner.Tenant] = append(perTenant[l.Owner.Tenant], l)
	}
	for tenant, ls := range perTenant {
		for start := 0; start < len(ls); start += maxLinks {
			chunk := ls[start:min(start+maxLinks, len(ls))]
			verbs, times, owners, vias := map[string]bool{}, make([]time.Time, len(chunk)), make([]uuid.UUID, len(chunk)), make([]uuid.UUID, len(chunk))
			for i, l := range chunk {
				verbs[l.ViaVerb] = true
				times[i], owners[i], vias[i] = l.Stored, l.Owner.ID, l.Via
			}
			verbList := make([]string, 0, len(verbs))
			for v := range verbs {
				verbList = append(verbList, v)
			}
			var ps Params
			q := Query{Text: "SELECT id, via FROM " + Table(db, "statement_index") + " WHERE tenant = " + ps.String(tenant) +
				" AND kind = 'verb' AND key IN " + ps.Strings(verbList) + " AND stored IN (" + timeList(&ps, times) + ")" +
				" AND id IN " + ps.UUIDs(owners) + " AND via IN " + ps.UUIDs(vias), Params: ps}
			k := LinkKey{Owner: StatementKey{Tenant: tenant}}
			if err := EachRow(ctx, e, q, func() { out[k] = true }, &k.Owner.ID, &k.Via); err != nil {
				return nil, fmt.Errorf("read inherited rows: %w", err)
			}
		}
	}
	return out, nil
}

// Inheritance is the rows a referring statement (Owner, stored at Stored,
// with authority key AuthorityKey) inherits: IndexRows of statements of its
// target chain, each carrying its Via and ViaAuthorityKey.
type Inheritance struct {
	Owner        StatementKey
	Stored       time.Time
	AuthorityKey string
	Rows         []IndexRow
}

// InheritedBatch builds one insert of hs straight into statement_index.
func InheritedBatch(db string, hs []Inheritance) *Batch {
	var (
		tenant, kind, key, verb, objectID, authority, viaAuthority []string
		stored                                                     []time.Time
		id, via                                                    []uuid.UUID
		agents                                                     [][]string
	)
	for _, h := range hs {
		for _, x := range h.Rows {
			tenant, kind, key, verb = append(tenant, h.Owner.Tenant), append(kind, x.Kind), append(key, x.Key), append(verb, x.Verb)
			objectID, authority, viaAuthority = append(objectID, x.ObjectID), append(authority, h.AuthorityKey), append(viaAuthority, x.ViaAuthorityKey)
			stored, id, via = append(stored, h.Stored), append(id, h.Owner.ID), append(via, x.Via)
			agents = append(agents, nonNil(x.Agents))
		}
	}
	return &Batch{Table: Table(db, "statement_index"), Columns: []Column{
		{"tenant", tenant}, {"kind", kind}, {"key", key}, {"stored", stored}, {"id", id}, {"verb", verb},
		{"object_id", objectID}, {"agents", agents}, {"via", via},
		{"authority_key", authority}, {"via_authority_key", viaAuthority},
	}}
}

// timeList renders the distinct times of ts for IN (...).
func timeList(ps *Params, ts []time.Time) string {
	seen := map[int64]bool{}
	var list []string
	for _, t := range ts {
		if ms := t.UnixMilli(); !seen[ms] {
			seen[ms] = true
			list = append(list, ps.Time(t))
		}
	}
	return strings.Join(list, ", ")
}

func byTenant(keys []StatementKey) map[string][]uuid.UUID {
	out := map[string][]uuid.UUID{}
	for _, k := range keys {
		out[k.Tenant] = append(out[k.Tenant], k.ID)
	}
	return out
}

// inChunks calls fn with the ids of keys, tenant by tenant, at most
// maxLookup at a time.
func inChunks(keys []StatementKey, fn func(tenant string, ids []uuid.UUID) error) error {
	for tenant, ids := range byTenant(keys) {
		for start := 0; start < len(ids); start += maxLookup {
			if err := fn(tenant, ids[start:min(start+maxLookup, len(ids))]); err != nil {
				return err
			}
		}
	}
	return nil
}
