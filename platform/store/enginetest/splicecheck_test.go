package enginetest

import (
	"go/ast"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

type spliceCheck struct {
	fset     *token.FileSet
	packages map[string]bool
	sqlVars  map[string]bool // variables of the function being checked assigned SQL text
	// textFuncs are the file's functions (and methods) that return only
	// text without values.
	textFuncs map[string]bool
	found     []string
}

// sqlWords marks a literal as SQL text.
var sqlWords = regexp.MustCompile(`\b(SELECT|INSERT|WHERE|FROM|AND|OR|IN|SET|VALUES|LIMIT)\b`)

// function checks one function body; safe are its local variables
// assigned only text without values.
func (c *spliceCheck) function(body *ast.BlockStmt) {
	assigned := map[string][]ast.Expr{}
	sqlVars := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, l := range s.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok {
					continue
				}
				if len(s.Rhs) == len(s.Lhs) {
					assigned[id.Name] = append(assigned[id.Name], s.Rhs[i])
					for _, part := range flatten(s.Rhs[i]) {
						if lit, ok := stringLit(part); ok && sqlWords.MatchString(lit) {
							sqlVars[id.Name] = true
						}
					}
				} else {
					assigned[id.Name] = append(assigned[id.Name], nil) // multi-value: unknown
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{s.Key, s.Value} {
				if id, ok := e.(*ast.Ident); ok {
					assigned[id.Name] = append(assigned[id.Name], nil)
				}
			}
		case *ast.FuncLit:
			c.function(s.Body)
			return false
		}
		return true
	})
	safe := safeVars(c, assigned)
	outer := c.sqlVars
	c.sqlVars = sqlVars
	defer func() { c.sqlVars = outer }()
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		c.expr(n, safe)
		if b, ok := n.(*ast.BlockStmt); ok {
			c.sequence(b.List, safe)
		}
		return true
	})
}

// safeVars returns the variables assigned only text without values: the
// greatest fixed point (a variable appending to itself stays safe when what
// it appends is), starting from every assigned variable.
func safeVars(c *spliceCheck, assigned map[string][]ast.Expr) map[string]bool {
	safe := map[string]bool{}
	for name := range assigned {
		safe[name] = true
	}
	for changed := true; changed; {
		changed = false
		for name, rhs := range assigned {
			if !safe[name] {
				continue
			}
			for _, e := range rhs {
				if e == nil || !c.safe(e, safe) {
					safe[name], changed = false, true
					break
				}
			}
		}
	}
	return safe
}

// returnsText reports whether every return of body returns text without
// values (used to trust the file's own SQL-building functions).
func (c *spliceCheck) returnsText(body *ast.BlockStmt) bool {
	assigned := map[string][]ast.Expr{}
	ast.Inspect(body, func(n ast.Node) bool {
		if s, ok := n.(*ast.AssignStmt); ok {
			for i, l := range s.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					if len(s.Rhs) == len(s.Lhs) {
						assigned[id.Name] = append(assigned[id.Name], s.Rhs[i])
					} else {
						assigned[id.Name] = append(assigned[id.Name], nil)
					}
				}
			}
		}
		if r, ok := n.(*ast.RangeStmt); ok {
			for _, e := range []ast.Expr{r.Key, r.Value} {
				if id, ok := e.(*ast.Ident); ok {
					assigned[id.Name] = append(assigned[id.Name], nil)
				}
			}
		}
		return true
	})
	safe := safeVars(c, assigned)
	ok := true
	ast.Inspect(body, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); lit {
			return false
		}
		if r, is := n.(*ast.ReturnStmt); is {
			for _, e := range r.Results {
				if !c.safe(e, safe) {
					ok = false
				}
			}
		}
		return true
	})
	return ok
}

// expr checks printf calls, concatenations and += of n.
func (c *spliceCheck) expr(n ast.Node, safe map[string]bool) {
	switch e := n.(type) {
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && printfFuncs[sel.Sel.Name] && isPkg(sel.X, "fmt") {
			for _, a := range e.Args {
				if s, ok := stringLit(a); ok && sqlFormat.MatchString(s) {
					c.report(e)
				}
			}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			c.chain(flatten(e), safe, false)
		}
	case *ast.AssignStmt:
		if id, ok := e.Lhs[0].(*ast.Ident); ok && e.Tok == token.ADD_ASSIGN && len(e.Rhs) == 1 && c.sqlVars[id.Name] {
			c.chain(append([]ast.Expr{nil}, flatten(e.Rhs[0])...), safe, true)
		}
	}
}

// sequence checks consecutive X.WriteString(a) statements as one chain.
func (c *spliceCheck) sequence(list []ast.Stmt, safe map[string]bool) {
	var parts []ast.Expr
	for _, s := range list {
		if es, ok := s.(*ast.ExprStmt); ok {
			if call, ok := es.X.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "WriteString" && len(call.Args) == 1 {
					parts = append(parts, flatten(call.Args[0])...)
					continue
				}
			}
		}
		if len(parts) > 1 {
			c.chain(parts, safe, false)
		}
		parts = nil
	}
	if len(parts) > 1 {
		c.chain(parts, safe, false)
	}
}

// chain reports an operand of a concatenation placed where SQL expects a
// value that is not known to be free of values. A nil part is SQL text
// ending anywhere (the left side of +=). Only a chain holding SQL (a literal
// with a keyword, or sql set) is checked.
func (c *spliceCheck) chain(parts []ast.Expr, safe map[string]bool, sql bool) {
	for _, p := range parts {
		if s, ok := stringLit(p); p != nil && ok && sqlWords.MatchString(s) {
			sql = true
		}
	}
	if !sql {
		return
	}
	for i, p := range parts {
		if p == nil {
			continue
		}
		if _, ok := stringLit(p); ok || c.safe(p, safe) {
			continue
		}
		flag := false
		if i > 0 {
			if parts[i-1] == nil {
				flag = true
			} else if s, ok := stringLit(parts[i-1]); ok && expectsValue.MatchString(s) {
				flag = true
			}
		}
		if i+1 < len(parts) {
			if s, ok := stringLit(parts[i+1]); ok && strings.HasPrefix(s, "'") {
				flag = true
			}
		}
		if flag {
			c.report(p)
		}
	}
}

// safe reports whether e is text without a value.
func (c *spliceCheck) safe(e ast.Expr, safe map[string]bool) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return c.safe(x.X, safe)
	case *ast.Ident:
		return safe[x.Name] || isConstName(x)
	case *ast.BinaryExpr:
		return x.Op == token.ADD && c.safe(x.X, safe) && c.safe(x.Y, safe)
	case *ast.CompositeLit:
		for _, el := range x.Elts {
			if !c.safe(el, safe) {
				return false
			}
		}
		return true
	case *ast.IndexExpr:
		return c.safe(x.X, safe)
	case *ast.CallExpr:
		switch fn := x.Fun.(type) {
		case *ast.Ident:
			if fn.Name == "append" {
				return c.allSafe(x.Args, safe)
			}
			return identFuncs[fn.Name] || c.textFuncs[fn.Name] && !c.packages[fn.Name]
		case *ast.SelectorExpr:
			if identFuncs[fn.Sel.Name] {
				return true
			}
			recv, ok := fn.X.(*ast.Ident)
			if !ok {
				return false
			}
			if isPkg(recv, "strings") && c.packages["strings"] && (fn.Sel.Name == "Join" || fn.Sel.Name == "ReplaceAll") {
				return c.allSafe(x.Args, safe)
			}
			if c.packages[recv.Name] {
				return false
			}
			// ps.String(v): a placeholder; s.method(...): a method of the
			// file returning text.
			return placeholderFn[fn.Sel.Name] && len(x.Args) == 1 || c.textFuncs[fn.Sel.Name] && !placeholderFn[fn.Sel.Name]
		}
	}
	return false
}

func (c *spliceCheck) allSafe(es []ast.Expr, safe map[string]bool) bool {
	for _, e := range es {
		if !c.safe(e, safe) {
			return false
		}
	}
	return true
}

// isConstName: an identifier declared as a constant in its file.
func isConstName(id *ast.Ident) bool {
	if id.Obj == nil {
		return false
	}
	return id.Obj.Kind == ast.Con
}

func (c *spliceCheck) report(n ast.Node) {
	pos := c.fset.Position(n.Pos()).String()
	if !slices.Contains(c.found, pos) {
		c.found = append(c.found, pos)
	}
}

func flatten(e ast.Expr) []ast.Expr {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		return append(flatten(b.X), flatten(b.Y)...)
	}
	if p, ok := e.(*ast.ParenExpr); ok {
		return flatten(p.X)
	}
	return []ast.Expr{e}
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func isPkg(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
