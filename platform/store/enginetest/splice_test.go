package enginetest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Issue 9: "leave no value spliced into SQL text by callers anywhere" and
// "git grep finds no fmt.Sprintf building SQL with values". splices finds,
// in Go source, the ways a value gets into SQL text:
//
//   - a fmt.Sprintf/Sprint/Fprintf/Appendf whose format holds SQL
//     (SELECT, INSERT INTO, WHERE, FROM, ALTER, CREATE, DROP) and a verb;
//   - in a concatenation (a + b, s += b, consecutive b.WriteString calls),
//     an operand right after text that expects a value (ending in a quote,
//     =, <, >, IN (, LIMIT, OFFSET) or right before text opening with a
//     quote, unless the operand is known to be text without a value: a
//     literal or constant, an identifier (Table, Ident, InDB), a placeholder
//     of a Params (ps.String(v), ... called on a variable, not a package),
//     the chDB engine's encoder (Literal), or a local variable assigned only
//     such things.
var (
	sqlFormat     = regexp.MustCompile(`\b(SELECT|INSERT INTO|WHERE|FROM|ALTER|CREATE|DROP)\b[^"]*%`)
	expectsValue  = regexp.MustCompile(`('|=|<|>|\bIN \(|\bLIMIT|\bOFFSET)[ \t]*$`)
	printfFuncs   = map[string]bool{"Sprintf": true, "Sprint": true, "Sprintln": true, "Fprintf": true, "Appendf": true}
	identFuncs    = map[string]bool{"Table": true, "Ident": true, "InDB": true, "Literal": true, "SettingLiteral": true}
	placeholderFn = map[string]bool{"String": true, "UUID": true, "Strings": true, "UUIDs": true,
		"UInt64": true, "Time": true}
)

// encoder is the chDB engine's encoder of values, the one file allowed to
// write them into SQL text (issue 9: "one vetted, fuzzed encoder in one
// place").
const encoder = "../../../platform/store/chdb/bind.go"

func TestIssue9_ValuesReachSQLOnlyAsParameters(t *testing.T) {
	root := filepath.Join("..", "..", "..") // the repository
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if filepath.ToSlash(path) == encoder {
			return nil // the one place that renders values into literals (chDB)
		}
		n++
		for _, p := range splicesInFile(t, path, nil) {
			t.Errorf("%s: a value spliced into SQL text; pass it as a parameter (store.Query)", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("checked %d Go files under %s, want the whole repository", n, root)
	}
}

// TestIssue9_SpliceCheckCatchesSplicing: the check above fails on each way
// of splicing a value, and passes the ways of writing SQL without one.
func TestIssue9_SpliceCheckCatchesSplicing(t *testing.T) {
	bad := []string{
		`q := fmt.Sprintf("SELECT x FROM t WHERE a = %s", v)`,
		`q := fmt.Sprintf("SELECT x FROM t WHERE a = %d", n)`,
		`q := "SELECT x FROM t WHERE a = '" + v + "'"`,
		`q := "SELECT x FROM t WHERE a = " + quote(v)`,
		`q := "SELECT x FROM t WHERE a IN (" + strings.Join(vs, ", ") + ")"`,
		`q := "SELECT x FROM t LIMIT " + strconv.Itoa(n)`,
		`q := "SELECT x FROM t WHERE a = " + store.String(v)`,
		`q := "SELECT x FROM t WHERE a = " + id.String()`,
		"q := \"SELECT x FROM t WHERE a = \"\nq += v",
		"b.WriteString(\"WHERE a = \")\nb.WriteString(v)",
		`w := v; q := "SELECT x FROM t WHERE a = " + w`,
		`var parts []string; parts = append(parts, v); q := "SELECT x FROM t WHERE a IN (" + strings.Join(parts, ", ") + ")"`,
	}
	for _, code := range bad {
		if got := splicesInSource(t, code); len(got) == 0 {
			t.Errorf("not caught:\n%s", code)
		}
	}
	good := []string{
		`q := "SELECT x FROM t WHERE a = {a:String}"`,
		`q := "SELECT x FROM " + store.Table(db, "t") + " WHERE a = " + ps.String(v)`,
		`k := ps.String(v); q := "SELECT x FROM t WHERE a = " + k + " OR b = " + k`,
		`q := "SELECT x FROM t WHERE a IN (" + ps.Time(t1) + ")"`,
		`q := fmt.Sprintf("read %s: %w", name, err)`,
		`q := "INSERT INTO " + table + " (a) FROM INFILE " + Literal(f.Name())`,
		`var parts []string; parts = append(parts, ps.Time(t1)); q := "SELECT x FROM t WHERE a IN (" + strings.Join(parts, ", ") + ")"`,
	}
	for _, code := range good {
		if got := splicesInSource(t, code); len(got) != 0 {
			t.Errorf("false alarm %v:\n%s", got, code)
		}
	}
}

func splicesInSource(t *testing.T, body string) []string {
	src := "package x\n\nimport (\n\t\"fmt\"\n\t\"strconv\"\n\t\"strings\"\n\t\"store\"\n)\n\nvar _, _, _ = fmt.Sprint, strconv.Itoa, strings.Join\nvar _ = store.X\n\nfunc f() {\n" + body + "\n}\n"
	return splicesInFile(t, "snippet.go", []byte(src))
}

// splicesInFile returns the positions of the splices in the Go file path
// (src, when not nil, is its content).
func splicesInFile(t *testing.T, path string, src []byte) []string {
	t.Helper()
	fset := token.NewFileSet()
	var content any
	if src != nil {
		content = src
	}
	f, err := parser.ParseFile(fset, path, content, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	packages := map[string]bool{}
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		packages[name] = true
	}
	c := &spliceCheck{fset: fset, packages: packages, textFuncs: map[string]bool{}}
	// The file's functions returning only text without values, to a fixed
	// point (one may call another).
	funcs := map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Body != nil && fn.Type.Results != nil {
			funcs[fn.Name.Name] = fn
			c.textFuncs[fn.Name.Name] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for name, fn := range funcs {
			if c.textFuncs[name] && !c.returnsText(fn.Body) {
				c.textFuncs[name], changed = false, true
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if fn, ok := n.(*ast.FuncDecl); ok && fn.Body != nil {
			c.function(fn.Body)
			return false
		}
		if lit, ok := n.(*ast.FuncLit); ok {
			c.function(lit.Body)
			return false
		}
		return true
	})
	// Package-level declarations (constants, variables).
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok {
			ast.Inspect(g, func(n ast.Node) bool { c.expr(n, nil); return true })
		}
	}
	return c.found
}
