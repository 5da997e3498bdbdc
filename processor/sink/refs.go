package sink

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// maxRefDepth bounds how far a chain of StatementRefs is followed (and ends
// a cycle of client-chosen ids).
const maxRefDepth = 16

// refTarget is the statement r targets with a StatementRef object.
func refTarget(r *store.StatementRow) (store.StatementKey, bool) {
	if r.ObjectType != "StatementRef" {
		return store.StatementKey{}, false
	}
	id, err := uuid.Parse(r.ObjectID)
	if err != nil {
		return store.StatementKey{}, false
	}
	return store.StatementKey{Tenant: r.Tenant, ID: id}, true
}

// resolveRefs sets Inherited on every row whose object is a StatementRef: the
// index rows of its target, of the target's target, and so on (Communication
// 2.1.3 "Filter Conditions for StatementRefs" applies recursively). Targets
// come from the batch itself or from the store. A target not stored yet
// gives nothing to inherit here: CompleteRefs writes its rows once both are
// stored.
func (s *Sink) resolveRefs(ctx context.Context, rows []store.StatementRow) error {
	own := map[store.StatementKey][]store.IndexRow{}
	target := map[store.StatementKey]store.StatementKey{}
	var frontier []store.StatementKey
	for i := range rows {
		if t, ok := refTarget(&rows[i]); ok {
			target[store.StatementKey{Tenant: rows[i].Tenant, ID: rows[i].ID}] = t
		}
	}
	if len(target) == 0 {
		return nil // most batches: no index rows to build
	}
	for i := range rows {
		own[store.StatementKey{Tenant: rows[i].Tenant, ID: rows[i].ID}] = store.OwnIndexRows(&rows[i])
	}
	for _, t := range target {
		if _, known := own[t]; !known {
			frontier = append(frontier, t)
		}
	}
	for depth := 0; depth < maxRefDepth && len(frontier) > 0; depth++ {
		raws, err := store.StatementsByID(ctx, s.eng, s.db, frontier)
		if err != nil {
			return fmt.Errorf("read StatementRef targets: %w", err)
		}
		var next []store.StatementKey
		for _, k := range frontier {
			own[k] = nil // known, even when not stored: never asked again
			raw, ok := raws[k]
			if !ok {
				continue
			}
			r, err := storedRow(k, raw)
			if err != nil {
				s.log.Warn("stored StatementRef target does not decode; nothing inherited", "id", k.ID, "err", err)
				continue
			}
			own[k] = store.OwnIndexRows(&r)
			if t, ok := refTarget(&r); ok {
				target[k] = t
				if _, known := own[t]; !known {
					next = append(next, t)
				}
			}
		}
		frontier = next
	}
	for i := range rows {
		k := store.StatementKey{Tenant: rows[i].Tenant, ID: rows[i].ID}
		t, ok := target[k]
		for depth := 0; ok && depth < maxRefDepth && t != k; depth++ {
			rows[i].Inherited = append(rows[i].Inherited, own[t]...)
			t, ok = target[t]
		}
	}
	return nil
}

// storedRow extracts the index columns and the authority key of a stored
// statement.
func storedRow(k store.StatementKey, raw []byte) (store.StatementRow, error) {
	st, err := xapi.DecodeStatement(raw)
	if err != nil {
		return store.StatementRow{}, err
	}
	ix := xapi.Extract(st)
	return store.StatementRow{Tenant: k.Tenant, ID: k.ID, Verb: ix.Verb, ObjectType: ix.ObjectType, ObjectID: ix.ObjectID,
		Registration: ix.Registration, Agents: ix.Agents, RelatedAgents: ix.RelatedAgents,
		RelatedActivities: ix.RelatedActivities, AuthorityKey: authorityKey(st)}, nil
}
