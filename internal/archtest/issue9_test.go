package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestIssue9_DomainPackagesDoNotImportConfig: "each component takes its own
// options struct and logger, filled in by its service's app wiring; domain
// packages import neither viper nor the global config" — not directly, and
// not through another package.
func TestIssue9_DomainPackagesDoNotImportConfig(t *testing.T) {
	config := modulePath + "/platform/config"
	forbidden := []string{config, "github.com/spf13/viper"}
	checked, found := 0, false
	for _, p := range workspacePackages(t) {
		found = found || p.Path == config
		if wiring(p) {
			continue
		}
		checked++
		for _, d := range p.Deps {
			for _, f := range forbidden {
				if d == f {
					t.Errorf("%s depends on %s: give it an options struct filled in by the wiring", p.Path, f)
				}
			}
		}
	}
	if !found {
		t.Fatalf("no package %s in the workspace: the check would pass for nothing", config)
	}
	if checked < 40 {
		t.Fatalf("only %d domain packages checked", checked)
	}
}

// defaultLoggerFuncs are the log/slog functions that write to, or return,
// the process's default logger.
var defaultLoggerFuncs = map[string]bool{
	"Default": true, "Debug": true, "Info": true, "Warn": true, "Error": true, "Log": true, "LogAttrs": true,
	"DebugContext": true, "InfoContext": true, "WarnContext": true, "ErrorContext": true,
}

// TestIssue9_NoDefaultLoggerBelowMain: "slog.Default() is used below main" —
// below main a component logs to the *slog.Logger it was given, never to the
// default logger (log/slog's package functions, or the standard log
// package's).
func TestIssue9_NoDefaultLoggerBelowMain(t *testing.T) {
	fset := token.NewFileSet()
	files := 0
	for _, p := range workspacePackages(t) {
		if p.Name == "main" {
			continue
		}
		for _, name := range p.GoFiles {
			path := filepath.Join(p.Dir, name)
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			files++
			for _, bad := range defaultLoggerUses(f) {
				t.Errorf("%s: %s below main: pass a *slog.Logger down instead", fset.Position(bad.Pos()), bad.name)
			}
		}
	}
	if files < 100 {
		t.Fatalf("only %d files read", files)
	}
}

type use struct {
	ast.Node
	name string
}

// defaultLoggerUses returns the uses of the default logger in f.
func defaultLoggerUses(f *ast.File) []use {
	names := map[string]string{} // local name -> import path
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if path != "log/slog" && path != "log" {
			continue
		}
		local := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			local = imp.Name.Name
		}
		names[local] = path
	}
	var out []use
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		switch names[id.Name] {
		case "log/slog":
			if defaultLoggerFuncs[sel.Sel.Name] {
				out = append(out, use{sel, "slog." + sel.Sel.Name})
			}
		case "log":
			if s := sel.Sel.Name; strings.HasPrefix(s, "Print") || strings.HasPrefix(s, "Fatal") || strings.HasPrefix(s, "Panic") || s == "Default" {
				out = append(out, use{sel, "log." + s})
			}
		}
		return true
	})
	return out
}

// TestIssue9_DefaultLoggerUsesAreFound: the scan above finds what it looks
// for (a check that cannot fail proves nothing).
func TestIssue9_DefaultLoggerUsesAreFound(t *testing.T) {
	src := `package p
import (
	"log"
	s "log/slog"
)
func f(l *s.Logger) {
	s.Default().Info("a")
	s.ErrorContext(nil, "b")
	log.Printf("c")
	l.Info("fine")
}`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range defaultLoggerUses(f) {
		got = append(got, u.name)
	}
	if strings.Join(got, ",") != "slog.Default,slog.ErrorContext,log.Printf" {
		t.Errorf("found %q", got)
	}
}
