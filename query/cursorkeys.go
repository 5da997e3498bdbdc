package query

import (
	"context"
	"fmt"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// CursorKeys returns the keys the `more` cursors are signed with (Deps): the
// configured secret when there is one (query.cursor_secret, which must then
// be the same on every query instance), else the installation's key that
// migration 0013 generated in the store, which every instance reads alike
// and which survives restarts.
func CursorKeys(ctx context.Context, secret string, e store.Engine, db string) ([][]byte, error) {
	if secret != "" {
		return [][]byte{[]byte(secret)}, nil
	}
	keys, err := store.CursorKeys(ctx, e, db)
	if err != nil {
		return nil, fmt.Errorf("cursor keys: %w", err)
	}
	return keys, nil
}
