package roles

import (
	"fmt"
	"io"

	"github.com/tributary-lrs/tributary/internal/buildinfo"
	"github.com/tributary-lrs/tributary/internal/engine"
)

// printVersion prints the build and the embedded engine's version. It is the
// one command without a store that loads libchdb, to ask its version; when
// the library cannot be loaded it says why, and still succeeds.
func printVersion(stdout io.Writer) int {
	bi := buildinfo.Get()
	fmt.Fprintf(stdout, "tributary %s\ncommit:    %s\ngo:        %s %s\n", bi.Version, bi.Commit, bi.Go, bi.Platform)
	v, path, err := engine.EmbeddedVersion()
	if err != nil {
		fmt.Fprintf(stdout, "chDB:      %v\n", err)
		return 0
	}
	fmt.Fprintf(stdout, "chDB:      %s (%s)\n", v, path)
	return 0
}
