package statements

import (
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Every value enters SQL through the store literal helpers.

// SingleSQL fetches one statement by id: statement_ids gives its stored time,
// which locates the row in statements by primary key. The row reads
// (id, stored, raw, voided), where voided is whether a voiding statement
// targets it. No row: unknown id.
func SingleSQL(db, tenant string, id uuid.UUID) string {
	t := store.String(tenant)
	return "SELECT id, stored, raw,\n" +
		"       (SELECT count() FROM " + store.Table(db, "statement_index") +
		" WHERE tenant = " + t + " AND kind = 'voids' AND key = " + store.String(id.String()) + ") > 0 AS voided\n" +
		"FROM " + store.Table(db, "statements") + "\n" +
		"WHERE tenant = " + t + "\n" +
		"  AND stored IN (SELECT stored FROM " + store.Table(db, "statement_ids") +
		" WHERE tenant = " + t + " AND id = " + store.UUID(id) + ")\n" +
		"  AND id = " + store.UUID(id) + "\n" +
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
//   - related_agents / related_activities as secondary filters need the
//     statements columns related_agents / related_activities;
//   - no filter at all reads statements by (tenant, stored).
type plan struct {
	drive    *driver
	indexAnd []string // conditions on statement_index columns
	stmtAnd  []string // conditions that need the statements table
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
			p.stmtAnd = append(p.stmtAnd, "has(related_agents, "+store.String(f.Agent)+")")
		} else {
			p.indexAnd = append(p.indexAnd, "has(agents, "+store.String(f.Agent)+")")
		}
	}
	if f.Activity != "" && p.drive.kind != activityKind {
		if f.RelatedActivities {
			p.stmtAnd = append(p.stmtAnd, "has(related_activities, "+store.String(f.Activity)+")")
		} else {
			p.indexAnd = append(p.indexAnd, "object_id = "+store.String(f.Activity))
		}
	}
	if f.Verb != "" && p.drive.kind != "verb" {
		p.indexAnd = append(p.indexAnd, "verb = "+store.String(f.Verb))
	}
	return p
}

// ListSQL reads one page of c: rows (id, stored, raw) in page order, at most
// Limit+1 of them, so that one more than a page says a `more` link is due.
// Voided statements are left out and a redelivered copy not yet merged away
// shows once (LIMIT 1 BY id).
func ListSQL(db, tenant string, c Cursor) string {
	p := newPlan(c.Filter)
	t := store.String(tenant)
	order := "stored DESC, id DESC"
	if c.Filter.Ascending {
		order = "stored ASC, id ASC"
	}
	window := windowConds(c)
	notVoided := "id NOT IN (SELECT toUUID(key) FROM " + store.Table(db, "statement_index") +
		" WHERE tenant = " + t + " AND kind = 'voids')"
	limit := "LIMIT " + strconv.Itoa(c.Filter.Limit+1)

	var b strings.Builder
	b.WriteString("SELECT id, stored, raw\nFROM " + store.Table(db, "statements") + "\nWHERE tenant = " + t)
	and := func(indent string, conds ...string) {
		for _, c := range conds {
			b.WriteString("\n" + indent + "AND " + c)
		}
	}
	and("  ", window...)
	if p.drive != nil {
		b.WriteString("\n  AND (stored, id) IN (\n    SELECT stored, id\n    FROM " +
			store.Table(db, "statement_index") + "\n    WHERE tenant = " + t)
		and("      ", "kind = "+store.String(p.drive.kind), "key = "+store.String(p.drive.key))
		and("      ", window...)
		and("      ", p.indexAnd...)
		if len(p.stmtAnd) == 0 {
			// Every filter is decided in the index: page there, fetch raw for
			// at most Limit+1 rows.
			and("      ", notVoided)
			b.WriteString("\n    ORDER BY " + order + "\n    LIMIT 1 BY id\n    " + limit + "\n  )")
			b.WriteString("\nORDER BY " + order + "\nLIMIT 1 BY id")
			return b.String()
		}
		b.WriteString("\n  )")
	}
	and("  ", p.stmtAnd...)
	and("  ", notVoided)
	b.WriteString("\nORDER BY " + order + "\nLIMIT 1 BY id\n" + limit)
	return b.String()
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
