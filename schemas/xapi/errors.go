package xapi

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

var (
	// ErrInvalid marks a statement (or parameter) that breaks an xAPI rule.
	// *ValidationError matches it with errors.Is. Callers answer 400.
	ErrInvalid = errors.New("xapi: invalid statement")
	// ErrMalformedJSON marks a body that is not JSON, has trailing data, or
	// whose top level is not an object or an array of objects. Callers
	// answer 400.
	ErrMalformedJSON = errors.New("xapi: malformed JSON")
)

// Problem is one broken rule, located by a JSONPath-like path such as
// "$.actor.mbox" or "$[2].context.contextActivities.parent[0].id". Keys that
// are not plain identifiers are bracketed: `$.result.extensions["http://x"]`.
type Problem struct {
	Path    string `json:"path"`
	Rule    string `json:"rule"` // spec section, e.g. "Data 2.4.2.3"
	Message string `json:"message"`
}

// ValidationError lists every problem found, sorted by path.
type ValidationError struct {
	Problems []Problem
}

// Error summarises the first problem and the count.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 0 {
		return ErrInvalid.Error()
	}
	p := e.Problems[0]
	s := fmt.Sprintf("%s: %s: %s (%s)", ErrInvalid, p.Path, p.Message, p.Rule)
	if n := len(e.Problems) - 1; n > 0 {
		s += fmt.Sprintf(" and %d more problem(s)", n)
	}
	return s
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// maxProblems bounds the work and the size of a 400 response for hostile
// input; further problems are dropped after one summary problem.
const maxProblems = 100

// path is a lazily formatted location. Nodes live on the stack of the
// validating functions; String is only called when a problem is recorded.
type path struct {
	parent *path
	key    string // property name; unused when idx >= 0
	idx    int    // array index, or -1
}

func (p *path) k(key string) path { return path{parent: p, key: key, idx: -1} }
func (p *path) i(idx int) path    { return path{parent: p, idx: idx} }

func (p *path) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

// write formats root-first by recursion, so that no pointer to a node is
// stored anywhere and the nodes can stay on the stack.
func (p *path) write(b *strings.Builder) {
	switch {
	case p.parent == nil:
		b.WriteString(p.key)
		return
	default:
		p.parent.write(b)
	}
	switch {
	case p.idx >= 0:
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(p.idx))
		b.WriteByte(']')
	case isIdent(p.key):
		b.WriteByte('.')
		b.WriteString(p.key)
	default:
		b.WriteByte('[')
		b.WriteString(strconv.Quote(p.key))
		b.WriteByte(']')
	}
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func rootPath() path { return path{key: "$", idx: -1} }

// validator accumulates problems for one Validate call.
type validator struct {
	ver      Version
	problems []Problem
}

func (v *validator) add(p *path, rule, msg string) {
	switch n := len(v.problems); {
	case n > maxProblems:
		return
	case n == maxProblems:
		v.problems = append(v.problems, Problem{Path: "$", Rule: "Data 2.2", Message: "too many problems; further problems omitted"})
		return
	}
	v.problems = append(v.problems, Problem{Path: p.String(), Rule: rule, Message: msg})
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	sort.SliceStable(v.problems, func(a, b int) bool { return v.problems[a].Path < v.problems[b].Path })
	return &ValidationError{Problems: v.problems}
}
