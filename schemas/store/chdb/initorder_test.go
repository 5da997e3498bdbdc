package chdb

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tributary-lrs/tributary/schemas/store/chdb/libpath"
)

const childEnv = "TRIBUTARY_CHDB_INIT_CHILD"

// childEnviron is the environment without CHDB_LIB_PATH, marked as a child.
func childEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, libpath.EnvVar+"=") && !strings.HasPrefix(kv, childEnv+"=") {
			env = append(env, kv)
		}
	}
	return append(env, childEnv+"=1")
}

// TestLibPathInitOrder runs this test binary again without CHDB_LIB_PATH: it
// only starts if libpath's init ran before chdb-purego's init (which panics
// when it cannot load the library), and it must find the checkout's copy.
func TestLibPathInitOrder(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		if filepath.Base(libpath.Resolved) != "libchdb.so" || !strings.Contains(libpath.Resolved, ".cache") {
			t.Fatalf("libpath.Resolved = %q, want the checkout's .cache copy", libpath.Resolved)
		}
		e, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		if err := e.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLibPathInitOrder$", "-test.v")
	cmd.Env = childEnviron()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestLibPathInitOrder") {
		t.Fatalf("child without %s: %v\n%s", libpath.EnvVar, err, out)
	}
}

// TestLibPathMissingExits2 runs the binary where no library can be found: it
// must exit with status 2 and a one-line hint, before chdb-purego panics.
func TestLibPathMissingExits2(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLibPathMissingExits2$")
	cmd.Env = childEnviron()
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
		t.Fatalf("child in empty dir: err %v, want exit status 2\n%s", err, out)
	}
	if want := "libchdb.so not found: run `make deps` or set CHDB_LIB_PATH\n"; string(out) != want {
		t.Fatalf("child output = %q, want %q", out, want)
	}
}
