// Package archtest checks the module map of docs/architecture.md: services
// import platform and schemas, platform imports schemas, and schemas imports
// nothing of ours but itself and only a few small libraries.
package archtest

import (
	"bufio"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const ourPrefix = "github.com/tributary-lrs/tributary/"

// schemasAllowed are the only modules schemas/go.mod may require, directly or
// indirectly: the contracts use uuid (statement ids) and x/text (language
// tags); goleak is a small test-only library.
var schemasAllowed = map[string]bool{
	"github.com/google/uuid": true,
	"golang.org/x/text":      true,
	"go.uber.org/goleak":     true,
}

// TestIssue9_SchemasIsContractsOnly: "Make schemas what its name says — the
// contracts shared by every service ... with a go.mod of the standard library
// and a few small libraries" (issue 9, item 1).
func TestIssue9_SchemasIsContractsOnly(t *testing.T) {
	root := repoRoot(t)
	reqs, err := requires(filepath.Join(root, "schemas", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		if !schemasAllowed[r] {
			t.Errorf("schemas/go.mod requires %s, which is not one of the contracts' small libraries", r)
		}
	}
	for file, imp := range imports(t, filepath.Join(root, "schemas")) {
		for _, p := range imp {
			if strings.HasPrefix(p, ourPrefix) && !under(p, ourPrefix+"schemas") {
				t.Errorf("%s imports %s: schemas imports nothing of ours but itself", file, p)
			}
			if !isStd(p) && !strings.HasPrefix(p, ourPrefix) && !schemasAllowed[moduleOf(p, schemasAllowed)] {
				t.Errorf("%s imports %s, not a library schemas may use", file, p)
			}
		}
	}
}

// TestIssue9_PlatformImportsNoService: the shared runtime (platform) sits
// between the contracts and the services: it imports schemas and itself,
// never ingest, processor, query or the root module.
func TestIssue9_PlatformImportsNoService(t *testing.T) {
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "platform", "go.mod")); err != nil {
		t.Fatalf("the platform module is missing: %v", err)
	}
	for file, imp := range imports(t, filepath.Join(root, "platform")) {
		for _, p := range imp {
			if strings.HasPrefix(p, ourPrefix) && !under(p, ourPrefix+"platform") && !under(p, ourPrefix+"schemas") {
				t.Errorf("%s imports %s: platform imports only schemas and itself", file, p)
			}
		}
	}
}

// repoRoot is the directory holding go.work, above the working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.work not found above the working directory")
		}
		dir = parent
	}
}

// requires lists the module paths of every require directive of a go.mod,
// direct and indirect, in the single-line and the block form.
func requires(gomod string) ([]string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return nil, fmt.Errorf("read go.mod: %w", err)
	}
	defer f.Close()
	var out []string
	inBlock := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case line == "require (":
			inBlock = true
		case inBlock && line == ")":
			inBlock = false
		case inBlock && line != "":
			out = append(out, strings.Fields(line)[0])
		case strings.HasPrefix(line, "require "):
			out = append(out, strings.Fields(line)[1])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read go.mod: %w", err)
	}
	if inBlock {
		return nil, errors.New("go.mod: unterminated require block")
	}
	return out, nil
}

// imports maps every .go file under dir (tests included, testdata skipped)
// to the import paths it names.
func imports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return fmt.Errorf("parse %s: %w", path, err)
		}
		for _, s := range f.Imports {
			p, err := strconv.Unquote(s.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: import %s: %w", path, s.Path.Value, err)
			}
			out[path] = append(out[path], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no Go files under %s", dir)
	}
	return out
}

// under reports whether import path p is pkg or below it.
func under(p, pkg string) bool { return p == pkg || strings.HasPrefix(p, pkg+"/") }

// isStd: a standard-library path has no dot in its first element.
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// moduleOf returns the module of mods that holds package p, or "".
func moduleOf(p string, mods map[string]bool) string {
	for m := range mods {
		if under(p, m) {
			return m
		}
	}
	return ""
}
