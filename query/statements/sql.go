package statements

import (
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Every value enters SQL through the store literal helpers.

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
func (v Viewer) visible() []string {
	if v.Authority == "" {
		return nil
	}
	k := store.String(v.Authority)
	return []string{"authority_key = " + k, "via_authority_key = " + k}
}

// SingleSQL fetches one statement by id: statement_ids gives its stored time,
// which locates the row in statements by primary key. The row reads
// (id, stored, raw, voided), where voided is whether a voiding statement
// targets it. No row: unknown id, or, for a viewer limited to its own
// statements, not its own (a point read of its authority row).
func SingleSQL(db string, v Viewer, id uuid.UUID) string {
	t := store.String(v.Tenant)
	storedOf := "SELECT stored FROM " + store.Table(db, "statement_ids") + " WHERE tenant = " + t + " AND id = " + store.UUID(id)
	own := ""
	if v.Authority != "" {
		own = "  AND id IN (SELECT id FROM " + store.Table(db, "statement_index") + " WHERE tenant = " + t +
			" AND kind = 'authority' AND key = " + store.String(v.Authority) + " AND stored IN (" + storedOf + ")" +
			" AND id = " + store.UUID(id) + ")\n"
	}
	return "SELECT id, stored, raw,\n" +
		"       (SELECT count() FROM " + store.Table(db, "statement_index") +
		" WHERE tenant = " + t + " AND kind = 'voids' AND key = " + store.String(id.String()) + ") > 0 AS voided\n" +
		"FROM " + store.Table(db, "statements") + "\n" +
		"WHERE tenant = " + t + "\n" +
		"  AND stored IN (" + storedOf + ")\n" +
		"  AND id = " + store.UUID(id) + "\n" + own +
		"LIMIT 1"
}

// driver is the statement_index range that selects a list's candidates.
type driver struct {
	kind, key string
}

// plan decides how a list is read:
//   - the most selective filter drives (registration > agent > activity >
//     verb) as one range of statement_index;
//   - the other plain filters are decided on the index row (verb,
//     registration, object_id, agents);
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

func newPlan(f Filter) plan {
	var p plan
	agentKind, activityKind := "agent", "activity"
	if f.RelatedAgents {
		agentKind = "related_agent"
	}
	if f.RelatedActivities {
		activityKind = "related_activity"
	}
	switch {
	case f.Registration != "":
		p.drive = &driver{"registration", f.Registration}
	case f.Agent != "":
		p.drive = &driver{agentKind, f.Agent}
	case f.Activity != "":
		p.drive = &driver{activityKind, f.Activity}
	case f.Verb != "":
		p.drive = &driver{"verb", f.Verb}
	default:
		return p
	}
	if f.Registration != "" && p.drive.kind != "registration" {
		p.indexAnd = append(p.indexAnd, "registration = toUUID("+store.String(f.Registration)+")")
	}
	if f.Agent != "" && p.drive.kind != agentKind {
		if f.RelatedAgents {
			p.also = append(p.also, driver{agentKind, f.Agent})
		} else {
			p.indexAnd = append(p.indexAnd, "has(agents, "+store.String(f.Agent)+")")
		}
	}
	if f.Activity != "" && p.drive.kind != activityKind {
		if f.RelatedActivities {
			p.also = append(p.also, driver{activityKind, f.Activity})
		} else {
			p.indexAnd = append(p.indexAnd, "object_id = "+store.String(f.Activity))
		}
	}
	if f.Verb != "" && p.drive.kind != "verb" {
		p.indexAnd = append(p.indexAnd, "verb = "+store.String(f.Verb))
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
func CandidatesSQL(db string, v Viewer, c Cursor, n int) string {
	p := newPlan(c.Filter)
	visible := v.visible()
	if v.Authority != "" && p.drive == nil {
		p.drive = &driver{"authority", v.Authority}
		visible = nil // the viewer's own rows
	}
	t := store.String(v.Tenant)
	order := "stored DESC, id DESC"
	if c.Filter.Ascending {
		order = "stored ASC, id ASC"
	}
	window := windowConds(c)
	var b strings.Builder
	and := func(indent string, conds ...string) {
		for _, c := range conds {
			b.WriteString("\n" + indent + "AND " + c)
		}
	}
	source := store.Table(db, "statements")
	if p.drive != nil {
		source = store.Table(db, "statement_index")
	}
	b.WriteString("SELECT stored, id\nFROM " + source + "\nWHERE tenant = " + t)
	if p.drive != nil {
		and("  ", "kind = "+store.String(p.drive.kind), "key = "+store.String(p.drive.key))
		and("  ", visible...)
	}
	and("  ", window...)
	and("  ", p.indexAnd...)
	for _, d := range p.also {
		b.WriteString("\n  AND (id, via) IN (\n    SELECT id, via\n    FROM " + store.Table(db, "statement_index") +
			"\n    WHERE tenant = " + t)
		and("      ", "kind = "+store.String(d.kind), "key = "+store.String(d.key))
		and("      ", visible...)
		and("      ", window...)
		b.WriteString("\n  )")
	}
	b.WriteString("\nORDER BY " + order + "\nLIMIT " + strconv.Itoa(n))
	return b.String()
}

// ExcludedSQL returns the ids among ps a list must leave out: voided
// statements (Communication 2.1.4). Rows: (id). Point reads of
// statement_index ranges; the caller bounds len(ps).
func ExcludedSQL(db, tenant string, ps []Position) string {
	keys := make([]string, len(ps))
	for i, p := range ps {
		keys[i] = p.ID.String()
	}
	return "SELECT toUUID(key) AS id\nFROM " + store.Table(db, "statement_index") + "\nWHERE tenant = " + store.String(tenant) +
		"\n  AND kind = 'voids'\n  AND key IN (" + store.Strings(keys) + ")"
}

// RawSQL reads the stored bytes of ps: rows (id, stored, raw), in no
// particular order, a position possibly twice (a copy not merged yet).
func RawSQL(db, tenant string, ps []Position) string {
	ids := make([]uuid.UUID, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return "SELECT id, stored, raw\nFROM " + store.Table(db, "statements") + "\nWHERE tenant = " + store.String(tenant) +
		"\n  AND stored IN (" + times(ps) + ")\n  AND id IN (" + store.UUIDs(ids) + ")"
}

func times(ps []Position) string {
	seen := map[int64]bool{}
	var parts []string
	for _, p := range ps {
		if ms := p.Stored.UnixMilli(); !seen[ms] {
			seen[ms] = true
			parts = append(parts, store.Time(p.Stored))
		}
	}
	return strings.Join(parts, ", ")
}

// windowConds bounds stored: since (exclusive), the fixed bound (inclusive)
// and, past the first page, strictly after the last position in page order
// (which then replaces since, or the bound when descending: it lies within).
func windowConds(c Cursor) []string {
	var lower, upper []string
	if s := c.Filter.Since; s != nil {
		lower = append(lower, "stored > "+store.Time(*s))
	}
	upper = append(upper, "stored <= "+store.Time(c.Bound))
	if a := c.After; a != nil {
		st, id := store.Time(a.Stored), store.UUID(a.ID)
		if c.Filter.Ascending {
			lower = []string{"stored >= " + st, "(stored > " + st + " OR id > " + id + ")"}
		} else {
			upper = []string{"stored <= " + st, "(stored < " + st + " OR id < " + id + ")"}
		}
	}
	return append(lower, upper...)
}
