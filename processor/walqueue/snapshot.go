package walqueue

import (
	"context"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// StoreSnapshot reads the Snapshot from the store.
type StoreSnapshot struct {
	Engine   store.Engine
	Database string
}

// idChunk is how many ids one query of StatementIDs reads.
const idChunk = 1 << 20

// VoidedTargets implements Snapshot.
func (s StoreSnapshot) VoidedTargets(ctx context.Context, fn func(store.StatementKey)) error {
	return store.VoidedTargets(ctx, s.Engine, s.Database, fn)
}

// StatementCount implements Snapshot.
func (s StoreSnapshot) StatementCount(ctx context.Context) (uint64, error) {
	return store.StatementCount(ctx, s.Engine, s.Database)
}

// StatementIDs implements Snapshot.
func (s StoreSnapshot) StatementIDs(ctx context.Context, fn func(store.StatementKey)) error {
	return store.ForEachStatementID(ctx, s.Engine, s.Database, idChunk, fn)
}
