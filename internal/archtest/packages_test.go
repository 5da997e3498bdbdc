package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const modulePath = "github.com/tributary-lrs/tributary"

// pkg is one package of the workspace as go list reports it.
type pkg struct {
	Path, Name, Dir string
	Deps, GoFiles   []string
}

// workspacePackages lists every package of every module of the workspace
// (go.work at the repository root), without tests.
func workspacePackages(t *testing.T) []pkg {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-e", "-f",
		"{{.ImportPath}}\t{{.Name}}\t{{.Dir}}\t{{join .Deps \" \"}}\t{{join .GoFiles \" \"}} {{join .CgoFiles \" \"}}", modulePath+"/...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 5 {
			t.Fatalf("go list line %q", sc.Text())
		}
		pkgs = append(pkgs, pkg{Path: f[0], Name: f[1], Dir: f[2], Deps: strings.Fields(f[3]), GoFiles: strings.Fields(f[4])})
	}
	// Every module of the workspace must be in the list, or the tests below
	// would pass on what they never saw.
	for _, want := range []string{"/schemas/xapi", "/ingest/server", "/processor/consumer", "/query", "/internal/allinone"} {
		found := false
		for _, p := range pkgs {
			found = found || p.Path == modulePath+want
		}
		if !found {
			t.Fatalf("go list did not report %s%s: the workspace is not listed whole", modulePath, want)
		}
	}
	return pkgs
}

// wiring reports whether p builds a process from the configuration: a main
// package, a service's app package, the shared service lifecycle (svc), the
// configuration itself, and the all-in-one and role wiring of the root
// module.
func wiring(p pkg) bool {
	if p.Name == "main" || strings.HasSuffix(p.Path, "/app") {
		return true
	}
	rel := strings.TrimPrefix(p.Path, modulePath+"/")
	for _, w := range []string{"platform/config", "platform/svc", "internal/allinone", "internal/roles", "internal/engine"} {
		if rel == w || strings.HasPrefix(rel, w+"/") {
			return true
		}
	}
	return false
}
