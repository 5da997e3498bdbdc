// Package libpath points chdb-go at the libchdb.so shared library before
// chdb-go's chdb-purego package loads it in its own init (which panics when
// the library is missing).
//
// Import it for its side effect only; package chdb does:
//
//	import _ "github.com/tributary-lrs/tributary/schemas/store/chdb/libpath"
//
// Initialization order: Go (≥ 1.21) initializes, among the packages whose
// imports are done, the one with the lowest import path first. chdb-purego
// imports os/exec, so it becomes eligible only after os/exec is initialized.
// This package imports nothing but a subset of os/exec's own imports, so it
// is eligible before os/exec and, its path sorting before "os/exec", it is
// always initialized first. Do not add imports outside that set (no fmt).
package libpath

import (
	"os"
	"path/filepath"
	"strings"
)

// EnvVar is the variable chdb-go reads the library path from.
const EnvVar = "CHDB_LIB_PATH"

// Default is a build-time library path, set with
//
//	-ldflags "-X github.com/tributary-lrs/tributary/schemas/store/chdb/libpath.Default=/abs/libchdb.so"
var Default string

// Resolved is the library path chosen at init (the environment value when it
// was already set).
var Resolved string

func init() {
	if p := os.Getenv(EnvVar); p != "" {
		Resolved = p
		return
	}
	p := Find()
	if p == "" {
		_, _ = os.Stderr.WriteString("libchdb.so not found: run `make deps` or set " + EnvVar + "\n")
		os.Exit(2)
	}
	if err := os.Setenv(EnvVar, p); err != nil {
		_, _ = os.Stderr.WriteString("libpath: set " + EnvVar + ": " + err.Error() + "\n")
		os.Exit(2)
	}
	Resolved = p
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
