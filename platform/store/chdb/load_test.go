package chdb

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/tributary-lrs/tributary/platform/store/chdb/libpath"
)

const childEnv = "TRIBUTARY_CHDB_LOAD_CHILD"

// childEnviron is the environment with CHDB_LIB_PATH replaced by lib ("":
// unset), marked as a child.
func childEnviron(lib string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, libpath.EnvVar+"=") && !strings.HasPrefix(kv, childEnv+"=") {
			env = append(env, kv)
		}
	}
	if lib != "" {
		env = append(env, libpath.EnvVar+"="+lib)
	}
	return append(env, childEnv+"=1")
}

func runChild(t *testing.T, test, lib, dir string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
	cmd.Env = childEnviron(lib)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+test) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	return string(out)
}

// TestLibraryFoundWithoutEnv runs this test binary again from the checkout
// without CHDB_LIB_PATH: the first Open must find the checkout's copy.
func TestLibraryFoundWithoutEnv(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		e, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		if err := e.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		if p := session.lib.path; !strings.HasSuffix(p, "/libchdb.so") || !strings.Contains(p, ".cache") {
			t.Fatalf("loaded %q, want the checkout's .cache copy", p)
		}
		return
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	runChild(t, "TestLibraryFoundWithoutEnv", "", wd)
}

// TestLibraryMissingIsAnError: a library that cannot be found or loaded makes
// Open and LibraryVersion return an error naming the cause, never panic or
// exit; the process goes on (issue 7, item 15: "a library must return an
// error").
func TestLibraryMissingIsAnError(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		_, err := Open(t.TempDir())
		if !errors.Is(err, ErrLibrary) || !strings.Contains(err.Error(), os.Getenv(libpath.EnvVar)) {
			t.Fatalf("Open = %v, want ErrLibrary naming the path", err)
		}
		if _, _, err := LibraryVersion(); !errors.Is(err, ErrLibrary) {
			t.Fatalf("LibraryVersion = %v, want ErrLibrary", err)
		}
		return
	}
	runChild(t, "TestLibraryMissingIsAnError", "/nonexistent/libchdb.so", t.TempDir())
	notLib := t.TempDir() + "/libchdb.so"
	if err := os.WriteFile(notLib, []byte("not an ELF file"), 0o644); err != nil {
		t.Fatal(err)
	}
	runChild(t, "TestLibraryMissingIsAnError", notLib, t.TempDir())
}

func TestLoadLibraryErrors(t *testing.T) {
	if _, err := loadLibrary("/nonexistent/libchdb.so"); !errors.Is(err, ErrLibrary) ||
		!strings.Contains(err.Error(), "/nonexistent/libchdb.so") || !strings.Contains(err.Error(), libpath.EnvVar) {
		t.Fatalf("loadLibrary of a missing file = %v", err)
	}
	// A real shared library without chDB's symbols.
	for _, libc := range []string{"/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"} {
		if _, err := os.Stat(libc); err != nil {
			continue
		}
		if _, err := loadLibrary(libc); !errors.Is(err, ErrLibrary) || !strings.Contains(err.Error(), "chdb_") {
			t.Fatalf("loadLibrary(libc) = %v, want a missing-symbol error", err)
		}
		return
	}
}

func TestLibraryVersion(t *testing.T) {
	open(t) // with a session open, the version comes from it
	v, path, err := LibraryVersion()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.`).MatchString(v) || !strings.HasSuffix(path, "libchdb.so") {
		t.Fatalf("LibraryVersion = %q, %q", v, path)
	}
}
