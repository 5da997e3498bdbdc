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
func ByIDSQL(db string, v Viewer, ids []uuid.UUID, askVoided bool) store.Query {
	ps := store.Params{{Name: "tenant", Value: v.Tenant}, {Name: "ids", Value: ids}}
	text := byIDHead
	if askVoided {
		text = byIDHeadVoided
		ps = append(ps, store.Param{Name: "keys", Value: ids}) // the voids keys: the ids' text
	}
	if v.Authority != "" {
		text += byIDMine
		ps = append(ps, store.Param{Name: "authority", Value: v.Authority})
	}
	return store.Query{Text: store.InDB(text+byIDTail, db), Params: ps}
}

// The statements by id; {db} is the database (store.InDB).
const (
	byIDStoredOf = "SELECT stored FROM {db}.statement_ids WHERE tenant = {tenant:String} AND id IN {ids:Array(UUID)}"
	byIDFrom     = "FROM {db}.statements\n" +
		"WHERE tenant = {tenant:String}\n" +
		"  AND stored IN (" + byIDStoredOf + ")\n" +
		"  AND id IN {ids:Array(UUID)}\n"
	byIDHead       = "SELECT id, stored, raw, false AS voided\n" + byIDFrom
	byIDHeadVoided = "SELECT id, stored, raw, id IN (SELECT toUUID(key) FROM {db}.statement_index" +
		" WHERE tenant = {tenant:String} AND kind = 'voids' AND key IN {keys:Array(String)}) AS voided\n" + byIDFrom
	byIDMine = "  AND id IN (SELECT id FROM {db}.statement_index WHERE tenant = {tenant:String}" +
		" AND kind = 'authority' AND key = {authority:String} AND stored IN (" + byIDStoredOf + ")" +
		" AND id IN {ids:Array(UUID)})\n"
	byIDTail = "LIMIT 1 BY id"
)
