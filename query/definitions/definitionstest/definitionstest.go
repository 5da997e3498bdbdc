// Package definitionstest stores Activity definitions for tests of their
// readers, as the processor stores them: as parts in
// activity_definition_parts.
package definitionstest

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Store stores def (a JSON definition object) of the Activity id of tenant,
// as given by a statement stored at stored.
func Store(t testing.TB, e store.Engine, db, tenant, id, def string, stored time.Time) {
	t.Helper()
	m, err := xapi.DecodeStatement([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	parts, err := xapi.DefinitionParts(m)
	if err != nil {
		t.Fatal(err)
	}
	var ten, ids, fields, keys, values []string
	var at []time.Time
	for _, p := range parts {
		ten, ids, at = append(ten, tenant), append(ids, id), append(at, stored)
		fields, keys, values = append(fields, p.Field), append(keys, p.Key), append(values, p.Value)
	}
	b := &store.Batch{Table: store.Table(db, "activity_definition_parts"), Columns: []store.Column{
		{Name: "tenant", Data: ten}, {Name: "activity_id", Data: ids}, {Name: "field", Data: fields},
		{Name: "key", Data: keys}, {Name: "value", Data: values}, {Name: "stored", Data: at},
	}}
	if err := e.Insert(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}
