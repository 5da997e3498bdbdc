package statements

import (
	"github.com/google/uuid"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// ByIDSQL fetches the statements ids of one viewer in one query (the reads
// by statementId that arrive together share it: the engine's cost is mostly
// per query, not per row). statement_ids gives each one's stored time, which
// locates its row in statements by primary key. A row reads
// (id, stored, raw, voided); voided is whether a stored voiding statement
// targets it, or false when askVoided is false (the caller knows it
// otherwise). An unknown id, or one not the viewer's own (statements/read/
// mine: a point read of its authority row), has no row.
func ByIDSQL(db string, v Viewer, ids []uuid.UUID, askVoided bool) string {
	t := store.String(v.Tenant)
	list := store.UUIDs(ids)
	storedOf := "SELECT stored FROM " + store.Table(db, "statement_ids") + " WHERE tenant = " + t + " AND id IN (" + list + ")"
	voided := "false"
	if askVoided {
		voided = "id IN (SELECT toUUID(key) FROM " + store.Table(db, "statement_index") +
			" WHERE tenant = " + t + " AND kind = 'voids' AND key IN (" + list + "))"
	}
	own := ""
	if v.Authority != "" {
		own = "  AND id IN (SELECT id FROM " + store.Table(db, "statement_index") + " WHERE tenant = " + t +
			" AND kind = 'authority' AND key = " + store.String(v.Authority) + " AND stored IN (" + storedOf + ")" +
			" AND id IN (" + list + "))\n"
	}
	return "SELECT id, stored, raw, " + voided + " AS voided\n" +
		"FROM " + store.Table(db, "statements") + "\n" +
		"WHERE tenant = " + t + "\n" +
		"  AND stored IN (" + storedOf + ")\n" +
		"  AND id IN (" + list + ")\n" + own +
		"LIMIT 1 BY id"
}
