package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestGetPrefersLinkerValues(t *testing.T) {
	oldV, oldC := Version, Commit
	t.Cleanup(func() { Version, Commit = oldV, oldC })
	Version, Commit = "v1.2.3", "abcdef"
	if got := Get(); got.Version != "v1.2.3" || got.Commit != "abcdef" || got.Go != runtime.Version() ||
		got.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Fatalf("Get = %+v", got)
	}
	Version, Commit = "", ""
	if got := Get(); got.Version == "" || got.Commit == "" {
		t.Fatalf("Get without linker values = %+v, want fallbacks", got)
	}
}

func TestStampedRevision(t *testing.T) {
	s := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}
	if got := stamped(s); got != "0123456789ab-dirty" {
		t.Fatalf("stamped = %q", got)
	}
	if got := stamped(nil); got != "" {
		t.Fatalf("stamped(nil) = %q", got)
	}
}
