package libpath

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionLess(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"26.5.3", "26.10.1", true},
		{"26.10.1", "26.5.3", false},
		{"26.5", "26.5.1", true},
		{"26.5.1", "26.5.1", false},
		{"beta", "rc", true},
	}
	for _, c := range cases {
		if got := versionLess(c.a, c.b); got != c.want {
			t.Errorf("versionLess(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestInCachePicksHighestVersion(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"26.5.3", "26.10.0", "9.1"} {
		dir := filepath.Join(root, ".cache", "chdb", v)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "libchdb.so"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := filepath.Join(root, ".cache", "chdb", "26.10.0", "libchdb.so")
	if got := inCache(root); got != want {
		t.Fatalf("inCache = %q, want %q", got, want)
	}
	if got := inCache(t.TempDir()); got != "" {
		t.Fatalf("inCache(empty) = %q, want \"\"", got)
	}
}

func TestFindUsesDefault(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "libchdb.so")
	if err := os.WriteFile(lib, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := Default
	t.Cleanup(func() { Default = old })
	Default = lib
	if got := Find(); got != lib {
		t.Fatalf("Find = %q, want Default %q", got, lib)
	}
}

func TestLocateMissingIsAnError(t *testing.T) {
	old := Default
	t.Cleanup(func() { Default = old })
	Default = ""
	t.Setenv(EnvVar, "")
	t.Chdir(t.TempDir())
	// The test binary lives outside any checkout, so only an installed copy
	// next to it could be found.
	if p := Find(); p != "" {
		t.Skipf("a library is installed next to the test binary: %s", p)
	}
	if p, err := Locate(); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), EnvVar) {
		t.Fatalf("Locate = %q, %v; want ErrNotFound naming %s", p, err, EnvVar)
	}
	t.Setenv(EnvVar, "/nonexistent/libchdb.so")
	if p, err := Locate(); err != nil || p != "/nonexistent/libchdb.so" {
		t.Fatalf("Locate with %s set = %q, %v", EnvVar, p, err)
	}
}
