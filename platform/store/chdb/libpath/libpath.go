// Package libpath locates libchdb.so, the library of the embedded engine:
// $CHDB_LIB_PATH, a path set at build time, or the copy `make` installs under
// .cache/chdb. It has no side effects: package chdb asks it when it loads the
// library, on the first Open.
package libpath

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// EnvVar names the library explicitly, overriding every other candidate.
const EnvVar = "CHDB_LIB_PATH"

// Default is a build-time library path, set with
//
//	-ldflags "-X github.com/tributary-lrs/tributary/platform/store/chdb/libpath.Default=/abs/libchdb.so"
var Default string

// Platform is the only platform the installer (scripts/install-libchdb.sh)
// fetches libchdb for.
const Platform = "linux/amd64"

// ErrNotFound is returned by Locate when no candidate exists.
var ErrNotFound = errors.New("libchdb.so not found")

// Locate returns the library to load: $CHDB_LIB_PATH when set (whether or not
// the file exists: loading it reports the problem), else Find. Without either
// it returns an error wrapping ErrNotFound that says what to do.
func Locate() (string, error) {
	if p := os.Getenv(EnvVar); p != "" {
		return p, nil
	}
	if p := Find(); p != "" {
		return p, nil
	}
	if here := runtime.GOOS + "/" + runtime.GOARCH; here != Platform {
		return "", fmt.Errorf("%w: the embedded engine needs %s (this is %s): use clickhouse.engine=clickhouse with a ClickHouse server",
			ErrNotFound, Platform, here)
	}
	return "", fmt.Errorf("%w: run `make deps` or set %s", ErrNotFound, EnvVar)
}

// Find returns the first existing candidate, or "": Default, then
// <executable dir>/../.cache/chdb/<version>/libchdb.so, then
// .cache/chdb/<version>/libchdb.so in the working directory and each of its
// parents. Among several versions in one cache the highest wins.
func Find() string {
	if Default != "" && isFile(Default) {
		return Default
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			if p := inCache(filepath.Join(filepath.Dir(exe), "..")); p != "" {
				return p
			}
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if p := inCache(dir); p != "" {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// inCache returns the libchdb.so of the highest version under root/.cache/chdb.
func inCache(root string) string {
	matches, err := filepath.Glob(filepath.Join(root, ".cache", "chdb", "*", "libchdb.so"))
	if err != nil {
		return ""
	}
	best, bestVer := "", ""
	for _, m := range matches {
		if !isFile(m) {
			continue
		}
		v := filepath.Base(filepath.Dir(m))
		if best == "" || versionLess(bestVer, v) {
			best, bestVer = m, v
		}
	}
	if best == "" {
		return ""
	}
	if abs, err := filepath.Abs(best); err == nil {
		return abs
	}
	return best
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// versionLess compares dotted versions numerically part by part ("26.5" <
// "26.10"); non-numeric parts compare as strings.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] == pb[i] {
			continue
		}
		na, okA := number(pa[i])
		nb, okB := number(pb[i])
		if okA && okB {
			return na < nb
		}
		return pa[i] < pb[i]
	}
	return len(pa) < len(pb)
}

func number(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
