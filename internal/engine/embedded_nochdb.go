//go:build nochdb

package engine

import (
	"errors"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Embedded reports whether this build includes chDB. Builds tagged nochdb
// (the container images) leave it out, so they run without libchdb.
const Embedded = false

var errNoEmbedded = errors.New("this build has no embedded engine (built with -tags nochdb): set clickhouse.engine=clickhouse")

func openEmbedded(string) (store.Engine, error) { return nil, errNoEmbedded }

// EmbeddedVersion reports that this build has no embedded engine.
func EmbeddedVersion() (version, path string, err error) { return "", "", errNoEmbedded }
