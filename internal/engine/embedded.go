//go:build !nochdb

package engine

import (
	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Embedded reports whether this build includes chDB.
const Embedded = true

func openEmbedded(path string) (store.Engine, error) { return chdb.Open(path) }

// EmbeddedVersion loads libchdb if needed and returns its version and path.
func EmbeddedVersion() (version, path string, err error) { return chdb.LibraryVersion() }
