package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrNoCursorKey means cursor_keys holds no key: the database lacks
// migration 0013.
var ErrNoCursorKey = errors.New("no cursor key in the store")

// CursorKeys returns the installation's keys for signing `more` cursors
// (table cursor_keys, migration 0013), the signing key first: the earliest
// created, then the smallest. There is one unless two migrations raced;
// every key returned is valid.
func CursorKeys(ctx context.Context, e Engine, db string) ([][]byte, error) {
	rows, err := e.Query(ctx, SQL("SELECT key FROM "+Table(db, "cursor_keys")+" FINAL ORDER BY created, key"))
	if err != nil {
		return nil, fmt.Errorf("read cursor keys: %w", err)
	}
	defer rows.Close()
	var keys [][]byte
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("scan cursor key: %w", err)
		}
		keys = append(keys, []byte(k))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read cursor keys: %w", err)
	}
	if len(keys) == 0 {
		return nil, ErrNoCursorKey
	}
	return keys, nil
}
