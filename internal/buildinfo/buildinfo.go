// Package buildinfo tells which build of tributary is running: the version
// and commit set at build time (make build passes them with -ldflags), else
// what the Go toolchain stamped into the binary.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set with -ldflags "-X github.com/tributary-lrs/tributary/internal/buildinfo.Version=v1.2.3
// -X github.com/tributary-lrs/tributary/internal/buildinfo.Commit=abc123".
var (
	Version string
	Commit  string
)

// Info describes the running binary.
type Info struct {
	Version string // "dev" when unknown
	Commit  string // "unknown" when unknown; "-dirty" marks uncommitted changes
	Go      string // e.g. go1.26.8
	// Platform is GOOS/GOARCH, e.g. linux/amd64.
	Platform string
}

// Get returns the build's Info: the -ldflags values, falling back to the
// module version and the vcs.revision stamp of runtime/debug.ReadBuildInfo.
func Get() Info {
	info := Info{Version: Version, Commit: Commit, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		if info.Commit == "" {
			info.Commit = stamped(bi.Settings)
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

func stamped(settings []debug.BuildSetting) string {
	var rev string
	var dirty bool
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && dirty {
		rev += "-dirty"
	}
	return rev
}
