package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Query is SQL text with typed parameters: a value appears in Text only as
// a ClickHouse placeholder {name:Type} and reaches the engine in Params,
// never spliced into the text. How a placeholder is bound is the engine's
// business (a ClickHouse server receives the values as query parameters;
// chDB renders them into literals with its own encoder, in one pass).
//
// A Param's Value must be of the Go type its placeholder's Type names:
//
//	String          string
//	UUID            uuid.UUID
//	Int64, UInt64   int64, uint64 (UInt8/16/32, Int32: the Go type of that width)
//	Array(String)   []string, or []uuid.UUID (their canonical text)
//	Array(UUID)     []uuid.UUID
//
// A time is an Int64 of Unix milliseconds turned into DateTime64(3, 'UTC')
// by the text (Params.Time writes both).
//
// Identifiers (database and table names) are not values: they enter the text
// through Ident and Table, which accept only plain identifiers.
type Query struct {
	Text   string
	Params Params
}

// Param is the value of the placeholders {Name:Type} of a Query.
type Param struct {
	Name  string
	Value any
}

// Params are the parameters of a Query. Their methods add a value under a
// generated name (p1, p2, ...) and return its placeholder, for text built
// from fragments (a list's filters); a query of fixed text names its
// parameters itself.
type Params []Param

// String returns the text and, after it, one comment line "-- name: value"
// per parameter (strings quoted as in Go): what golden files and test
// failures show.
func (q Query) String() string {
	var b strings.Builder
	b.WriteString(q.Text)
	for _, p := range q.Params {
		b.WriteString("\n-- ")
		b.WriteString(p.Name)
		b.WriteString(": ")
		switch v := p.Value.(type) {
		case string:
			b.WriteString(strconv.Quote(v))
		case []string:
			fmt.Fprintf(&b, "%q", v)
		default:
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// SQL returns a Query of text without parameters.
func SQL(text string) Query { return Query{Text: text} }

// Value returns the value of the parameter name.
func (ps Params) Value(name string) (any, bool) {
	if len(name) > 1 && name[0] == 'p' { // a generated name: its position
		if i, err := strconv.Atoi(name[1:]); err == nil && i >= 1 && i <= len(ps) && ps[i-1].Name == name {
			return ps[i-1].Value, true
		}
	}
	for i := range ps {
		if ps[i].Name == name {
			return ps[i].Value, true
		}
	}
	return nil, false
}

func (ps *Params) add(typ string, v any) string {
	name := "p" + strconv.Itoa(len(*ps)+1)
	*ps = append(*ps, Param{Name: name, Value: v})
	return "{" + name + ":" + typ + "}"
}

// String adds s and returns its String placeholder.
func (ps *Params) String(s string) string { return ps.add("String", s) }

// UUID adds id and returns its UUID placeholder.
func (ps *Params) UUID(id uuid.UUID) string { return ps.add("UUID", id) }

// Strings adds ss and returns its Array(String) placeholder.
func (ps *Params) Strings(ss []string) string { return ps.add("Array(String)", ss) }

// UUIDs adds ids and returns its Array(UUID) placeholder, for id IN …:
// the engine builds a set of it and reads the primary key's ranges (has(…,
// id) would search the array once per row: 10 s for 5,000 ids in 400,000
// rows against 0.1 s).
func (ps *Params) UUIDs(ids []uuid.UUID) string { return ps.add("Array(UUID)", ids) }

// UInt64 adds n and returns its UInt64 placeholder.
func (ps *Params) UInt64(n uint64) string { return ps.add("UInt64", n) }

// Time adds t (millisecond precision) and returns a DateTime64(3, 'UTC')
// expression of it.
func (ps *Params) Time(t time.Time) string {
	return "fromUnixTimestamp64Milli(" + ps.add("Int64", t.UnixMilli()) + ", 'UTC')"
}

// ErrBind marks a query whose placeholders and parameters do not agree: a
// placeholder without a value, a value of another type, a malformed
// placeholder. It is a programming error, found by the first test that runs
// the query.
var ErrBind = errors.New("query parameters do not match the query")

// Placeholders scans text once for the placeholders {name:Type} outside
// quoted literals, identifiers and comments and returns text with each replaced by
// what render(b, name, typ) writes to b. What render writes is never
// scanned again, so a placeholder inside a value stays text. Engines that bind by rendering use
// it; the text is the query's own (constants), never user input.
func Placeholders(text string, render func(b *strings.Builder, name, typ string) error) (string, error) {
	var b strings.Builder
	b.Grow(len(text) + 64)
	last := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\'', '"', '`':
			end := closingQuote(text, i)
			if end < 0 {
				return "", fmt.Errorf("%w: unterminated %c in %q", ErrBind, c, text)
			}
			i = end
		case '-', '/': // comments: -- to the end of the line, /* ... */
			if i+1 < len(text) && text[i] == '-' && text[i+1] == '-' {
				if nl := strings.IndexByte(text[i:], '\n'); nl >= 0 {
					i += nl
				} else {
					i = len(text)
				}
			} else if i+1 < len(text) && text[i] == '/' && text[i+1] == '*' {
				end := strings.Index(text[i+2:], "*/")
				if end < 0 {
					return "", fmt.Errorf("%w: unterminated comment in %q", ErrBind, text)
				}
				i += end + 3
			}
		case '{':
			end := strings.IndexByte(text[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("%w: unterminated placeholder in %q", ErrBind, text)
			}
			name, typ, ok := strings.Cut(text[i+1:i+end], ":")
			name, typ = strings.TrimSpace(name), strings.TrimSpace(typ)
			if !ok || !isIdent(name) || !isTypeName(typ) {
				return "", fmt.Errorf("%w: malformed placeholder %q", ErrBind, text[i:i+end+1])
			}
			b.WriteString(text[last:i])
			if err := render(&b, name, typ); err != nil {
				return "", err
			}
			i += end
			last = i + 1
		}
	}
	b.WriteString(text[last:])
	return b.String(), nil
}

// closingQuote returns the index of the quote closing the one at text[open]
// (a backslash escapes the next byte, a doubled quote is one), or -1.
func closingQuote(text string, open int) int {
	q := text[open]
	for i := open + 1; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case q:
			if i+1 < len(text) && text[i+1] == q {
				i++
				continue
			}
			return i
		}
	}
	return -1
}

// isTypeName accepts the ClickHouse type names placeholders use: letters,
// digits, '_', parentheses, commas and spaces (Array(String), UInt64).
func isTypeName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '(' || c == ')' || c == ',' || c == ' ' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// isIdent accepts a plain identifier: a letter or '_', then letters, digits
// and '_'.
func isIdent(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
