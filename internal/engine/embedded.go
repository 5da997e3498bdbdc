//go:build !nochdb

package engine

import (
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/store/chdb"
)

// Embedded reports whether this build includes chDB.
const Embedded = true

func openEmbedded(path string) (store.Engine, error) { return chdb.Open(path) }
