package libpath

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsAreSubsetOfOsExec guards the init-order argument of the package
// comment: every package libpath depends on must also be a dependency of
// os/exec, so libpath is always initialized before chdb-purego.
func TestImportsAreSubsetOfOsExec(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH")
	}
	list := func(pkg string) map[string]bool {
		out, err := exec.Command(goTool, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		set := map[string]bool{}
		for _, p := range strings.Fields(string(out)) {
			set[p] = true
		}
		return set
	}
	execDeps := list("os/exec")
	self := "github.com/tributary-lrs/tributary/schemas/store/chdb/libpath"
	for p := range list(self) {
		if p != self && !execDeps[p] {
			t.Errorf("libpath depends on %s, which os/exec does not import: init order no longer guaranteed", p)
		}
	}
}
