// Package definitions reads canonical Activity definitions, for
// format=canonical (Communication 2.1.3) and the Activities resource
// (Communication 2.5). The store keeps every definition a statement gave as
// parts (activity_definition_parts, migration 0011); the canonical
// definition merges them, the most recently stored value winning per part
// (xapi.MergeDefinition states the rule).
package definitions

import (
	"context"
	"fmt"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Canonical is the canonical definition of one Activity.
type Canonical struct {
	// JSON is the definition object: compact, keys sorted.
	JSON string
	// Stored is when the newest of its parts was stored.
	Stored time.Time
}

// Querier runs a query (store.Engine does).
type Querier interface {
	Query(ctx context.Context, q store.Query) (store.Rows, error)
}

// SQL reads the most recently stored value of every part of the definitions
// of activityIDs: rows (activity_id, field, key, value, stored). argMax
// picks it also before ReplacingMergeTree(stored) has merged older rows away.
func SQL(db, tenant string, activityIDs []string) store.Query {
	return store.Query{Text: store.InDB(definitionsSQL, db),
		Params: store.Params{{Name: "tenant", Value: tenant}, {Name: "ids", Value: activityIDs}}}
}

const definitionsSQL = "SELECT activity_id, field, key, argMax(value, stored), max(stored)\nFROM {db}.activity_definition_parts" +
	"\nWHERE tenant = {tenant:String}\n  AND activity_id IN {ids:Array(String)}" +
	"\nGROUP BY activity_id, field, key"

// Read returns the canonical definition of each of activityIDs that has
// one in tenant; ids without a stored definition are not in the result.
func Read(ctx context.Context, q Querier, db, tenant string, activityIDs []string) (map[string]Canonical, error) {
	if len(activityIDs) == 0 {
		return map[string]Canonical{}, nil
	}
	rows, err := q.Query(ctx, SQL(db, tenant, activityIDs))
	if err != nil {
		return nil, fmt.Errorf("read activity definitions: %w", err)
	}
	defer rows.Close()
	parts := map[string][]xapi.StoredDefinitionPart{}
	for rows.Next() {
		var id string
		var p xapi.StoredDefinitionPart
		if err := rows.Scan(&id, &p.Field, &p.Key, &p.Value, &p.Stored); err != nil {
			return nil, fmt.Errorf("scan activity definitions: %w", err)
		}
		parts[id] = append(parts[id], p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read activity definitions: %w", err)
	}
	out := make(map[string]Canonical, len(parts))
	for id, ps := range parts {
		def := xapi.MergeDefinition(ps)
		if def == nil {
			continue
		}
		b, err := xapi.Marshal(def)
		if err != nil {
			return nil, fmt.Errorf("encode the definition of %s: %w", id, err)
		}
		c := Canonical{JSON: string(b)}
		for _, p := range ps {
			if p.Stored.After(c.Stored) {
				c.Stored = p.Stored
			}
		}
		out[id] = c
	}
	return out, nil
}
