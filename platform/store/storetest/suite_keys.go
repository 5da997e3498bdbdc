package storetest

import (
	"encoding/hex"
	"slices"
	"testing"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// testCursorKey: migration 0013 generates the installation's cursor key
// once, 32 random bytes in hex; migrating again or re-running the migration
// keeps it, and another database (installation) gets another.
func testCursorKey(t *testing.T, e store.Engine, db string) {
	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatal(err)
	}
	keys, err := store.CursorKeys(ctx(t), e, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || len(keys[0]) != 64 {
		t.Fatalf("keys %q, want one of 64 hex digits", keys)
	}
	if _, err := hex.DecodeString(string(keys[0])); err != nil {
		t.Fatalf("key %q is not hex: %v", keys[0], err)
	}
	ms, err := store.Migrations(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version == 13 {
			execQ(t, e, m.Statements...)
		}
	}
	if _, err := store.Migrate(ctx(t), e, db); err != nil {
		t.Fatal(err)
	}
	again, err := store.CursorKeys(ctx(t), e, db)
	if err != nil || !slices.EqualFunc(again, keys, slices.Equal) {
		t.Fatalf("after re-running the migration: %q, %v; want %q", again, err, keys)
	}
	other := db + "_other"
	if _, err := store.Migrate(ctx(t), e, other); err != nil {
		t.Fatal(err)
	}
	if ok, err := store.CursorKeys(ctx(t), e, other); err != nil || slices.Equal(ok[0], keys[0]) {
		t.Fatalf("another installation: %q, %v; want a different key", ok, err)
	}
}
