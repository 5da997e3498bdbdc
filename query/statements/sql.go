package statements

import (
	"strings"

	"github.com/google/uuid"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Every value enters a query as a parameter (store.Params): the text holds
// only its placeholder.

// Viewer is whose statements a query may return: every statement of Tenant,
// or, for a credential that may only read its own (statements/read/mine),
// those whose authority has the IFI key Authority.
type Viewer struct {
	Tenant    string
	Authority string
}

// visible are the conditions on a statement_index row that a viewer limited
// to its own statements may count (none when unrestricted): the row's
// statement is its own and so is the statement the row describes, which
// for a row inherited through a StatementRef is the target (a reader must
// not learn what matches a statement it cannot read, Communication 4.2).
func (v Viewer) visible(ps *store.Params) []string {
	if v.Authority == "" {
		return nil
	}
	k := ps.String(v.Authority)
	return []string{"authority_key = " + k, "via_authority_key = " + k}
}

// driver is a statement_index range: the rows of key in any of kinds. A
// related filter reads two kinds (migration 0016): an agent of the
// statement has an agent row and no related_agent row, the object Activity
// an activity row and no related_activity row.
type driver struct {
	kinds []string
	key   string
}

func (d driver) is(kind string) bool { return len(d.kinds) == 1 && d.kinds[0] == kind }

// plan decides how a list is read:
//   - the most selective filter drives (registration > agent > activity >
//     verb) as a range of statement_index (two ranges, merged in order,
//     for related_agents / related_activities); a registration always
//     drives, so no row needs to carry one;
//   - the other plain filters are decided on the index row (verb,
//     object_id, agents: the columns the driving kinds carry, see
//     store.OwnIndexRows);
//   - related_agents / related_activities as secondary filters are a second
//     range of statement_index for the same (id, via): the same statement,
//     itself or a StatementRef target it inherited rows from, meets every
//     condition (Communication 2.1.3 "Filter Conditions for StatementRefs");
//   - no filter at all reads statements by (tenant, stored);
//   - a viewer limited to its own statements reads its authority range
//     when no filter drives, and adds Viewer.visible to every range.
type plan struct {
	drive    *driver
	indexAnd []string // conditions on statement_index columns
	also     []driver // further statement_index ranges the same (id, via) must be in
}

func newPlan(f Filter, ps *store.Params) plan {
	var p plan
	agents, activities := driver{[]string{"agent"}, f.Agent}, driver{[]string{"activity"}, f.Activity}
	if f.RelatedAgents {
		agents.kinds = []string{"agent", "related_agent"}
	}
	if f.RelatedActivities {
		activities.kinds = []string{"activity", "related_activity"}
	}
	switch {
	case f.Registration != "":
		p.drive = &driver{[]string{"registration"}, f.Registration}
	case f.Agent != "":
		p.drive = &agents
	case f.Activity != "":
		p.drive = &activities
	case f.Verb != "":
		p.drive = &driver{[]string{"verb"}, f.Verb}
	default:
		return p
	}
	if f.Agent != "" && p.drive != &agents {
		if f.RelatedAgents {
			p.also = append(p.also, agents)
		} else {
			p.indexAnd = append(p.indexAnd, "has(agents, "+ps.String(f.Agent)+")")
		}
	}
	if f.Activity != "" && p.drive != &activities {
		if f.RelatedActivities {
			p.also = append(p.also, activities)
		} else {
			p.indexAnd = append(p.indexAnd, "object_id = "+ps.String(f.Activity))
		}
	}
	if f.Verb != "" && !p.drive.is("verb") {
		p.indexAnd = append(p.indexAnd, "verb = "+ps.String(f.Verb))
	}
	return p
}

// A list is read in three steps, each a short read in sorting-key order:
// CandidatesSQL picks positions (stored, id) in page order, ExcludedSQL says
// which of them a page must leave out (voided), and RawSQL reads the stored
// bytes of the positions kept. The caller dedupes
// candidates (a redelivered copy not merged yet, or a statement with several
// index rows for one key, names a statement twice) and asks for more
// candidates after the last one until the page is full or none are left.
//
// A statement whose object is a StatementRef to a statement meeting the
// filter meets it too (Communication 2.1.3 "Filter Conditions for
// StatementRefs", recursively; Communication 2.1.4: the voiding statement
// too): the processor copied the target's index rows to the referring
// statement once both were stored, whichever came first, so the index
// answers both at once, and since, until and the page apply to the
// referring statement's own stored time. For a viewer limited to its own
// statements an inherited row counts only when the target is its own too.

// CandidatesSQL reads up to n positions (stored, id) of c's list in page
// order, from statement_index when a filter drives, else from statements.
// Plain ORDER BY + LIMIT on a prefix of the sorting key: the engine reads in
// order and stops after n rows (DISTINCT or LIMIT BY would read the range).
// A driver of two kinds is one such read per kind, merged.
func CandidatesSQL(db string, v Viewer, c Cursor, n int) store.Query {
	ps := store.Params{{Name: "tenant", Value: v.Tenant}}
	p := newPlan(c.Filter, &ps)
	visible := v.visible(&ps)
	if v.Authority != "" && p.drive == nil {
		p.drive = &driver{[]string{"authority"}, v.Authority}
		visible = nil // the viewer's own rows
	}
	order := "stored DESC, id DESC"
	if c.Filter.Ascending {
		order = "stored ASC, id ASC"
	}
	tail := "ORDER BY " + order + "\nLIMIT " + ps.UInt64(uint64(max(n, 0)))
	window := windowConds(c, &ps)
	if p.drive == nil {
		return store.Query{Text: rangeSQL(db, "", nil, window, &ps) + "\n" + tail, Params: ps}
	}
	if len(p.drive.kinds) == 1 {
		text := rangeSQL(db, "", p.drive, conds(db, p, visible, window, "  ", &ps), &ps) + "\n" + tail
		return store.Query{Text: text, Params: ps}
	}
	parts := make([]string, len(p.drive.kinds))
	for i, kind := range p.drive.kinds {
		one := driver{[]string{kind}, p.drive.key}
		parts[i] = "    (\n" + rangeSQL(db, "        ", &one, conds(db, p, visible, window, "          ", &ps), &ps) +
			"\n        " + strings.ReplaceAll(tail, "\n", "\n        ") + "\n    )"
	}
	return store.Query{Text: "SELECT stored, id\nFROM\n(\n" + strings.Join(parts, "\n    UNION ALL\n") + "\n)\n" + tail, Params: ps}
}

// rangeSQL selects (stored, id) of the range d (statements when d is nil),
// with conds, each line indented by indent.
func rangeSQL(db, indent string, d *driver, conds []string, ps *store.Params) string {
	var b strings.Builder
	source := store.Table(db, "statements")
	if d != nil {
		source = store.Table(db, "statement_index")
	}
	b.WriteString(indent + "SELECT stored, id\n" + indent + "FROM " + source + "\n" + indent + "WHERE " + tenantIs)
	if d != nil {
		b.WriteString("\n" + indent + "  AND " + kindCond(d.kinds, ps) + "\n" + indent + "  AND key = " + ps.String(d.key))
	}
	for _, c := range conds {
		b.WriteString("\n" + indent + "  AND " + c)
	}
	return b.String()
}

// conds are the conditions of a driving range besides its kind and key:
// the viewer's, the window, the filters decided on the row and the further
// ranges the same (id, via) must be in, their lines indented by indent.
func conds(db string, p plan, visible, window []string, indent string, ps *store.Params) []string {
	out := append(append(append([]string{}, visible...), window...), p.indexAnd...)
	for _, d := range p.also {
		var b strings.Builder
		b.WriteString("(id, via) IN (\n" + indent + "  SELECT id, via\n" + indent + "  FROM " + store.Table(db, "statement_index") +
			"\n" + indent + "  WHERE " + tenantIs +
			"\n" + indent + "    AND " + kindCond(d.kinds, ps) + "\n" + indent + "    AND key = " + ps.String(d.key))
		for _, c := range append(append([]string{}, visible...), window...) {
			b.WriteString("\n" + indent + "    AND " + c)
		}
		b.WriteString("\n" + indent + ")")
		out = append(out, b.String())
	}
	return out
}

// tenantIs is the viewer's tenant condition of a list: every list query has
// the parameter tenant.
const tenantIs = "tenant = {tenant:String}"

// kindCond selects the rows of kinds.
func kindCond(kinds []string, ps *store.Params) string {
	if len(kinds) == 1 {
		return "kind = " + ps.String(kinds[0])
	}
	in := ""
	for i, k := range kinds {
		if i > 0 {
			in += ", "
		}
		in += ps.String(k)
	}
	return "kind IN (" + in + ")"
}

// ExcludedSQL returns the ids among ps a list must leave out: voided
// statements (Communication 2.1.4). Rows: (id). Point reads of
// statement_index ranges; the caller bounds len(ps).
func ExcludedSQL(db, tenant string, ps []Position) store.Query {
	ids := make([]uuid.UUID, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return store.Query{Text: store.InDB(excludedSQL, db), Params: store.Params{{Name: "tenant", Value: tenant}, {Name: "ids", Value: ids}}}
}

// excludedSQL reads the voided ids among {ids}.
const excludedSQL = "SELECT toUUID(key) AS id\nFROM {db}.statement_index\nWHERE tenant = {tenant:String}" +
	"\n  AND kind = 'voids'\n  AND key IN {ids:Array(String)}"

// RawSQL reads the stored bytes of ps: rows (id, stored, raw), in no
// particular order, a position possibly twice (a copy not merged yet).
func RawSQL(db, tenant string, ps []Position) store.Query {
	ids := make([]uuid.UUID, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	var params store.Params
	text := "SELECT id, stored, raw\nFROM " + store.Table(db, "statements") + "\nWHERE tenant = " + params.String(tenant) +
		"\n  AND stored IN (" + times(ps, &params) + ")\n  AND id IN " + params.UUIDs(ids)
	return store.Query{Text: text, Params: params}
}

func times(ps []Position, params *store.Params) string {
	seen := map[int64]bool{}
	var parts []string
	for _, p := range ps {
		if ms := p.Stored.UnixMilli(); !seen[ms] {
			seen[ms] = true
			parts = append(parts, params.Time(p.Stored))
		}
	}
	return strings.Join(parts, ", ")
}

// windowConds bounds stored: since (exclusive), the fixed bound (inclusive)
// and, past the first page, strictly after the last position in page order
// (which then replaces since, or the bound when descending: it lies within).
func windowConds(c Cursor, ps *store.Params) []string {
	var lower, upper []string
	if s := c.Filter.Since; s != nil {
		lower = append(lower, "stored > "+ps.Time(*s))
	}
	upper = append(upper, "stored <= "+ps.Time(c.Bound))
	if a := c.After; a != nil {
		st, id := ps.Time(a.Stored), ps.UUID(a.ID)
		if c.Filter.Ascending {
			lower = []string{"stored >= " + st, "(stored > " + st + " OR id > " + id + ")"}
		} else {
			upper = []string{"stored <= " + st, "(stored < " + st + " OR id < " + id + ")"}
		}
	}
	return append(lower, upper...)
}
