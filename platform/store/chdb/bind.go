package chdb

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// chDB binds a Query by rendering its parameters into literals, here and
// nowhere else: libchdb does not isolate query parameters between
// connections running in parallel (chdb-io/chdb-node#51: "Substitution not
// set", the engine aborts), and the engine runs its connections in parallel.
// The text is scanned once (store.Placeholders): a rendered value is never
// scanned again, so a placeholder inside a value stays text.

// Render returns q's text with every placeholder replaced by the literal of
// its parameter, of the placeholder's type. A placeholder without a
// parameter is an error here, before libchdb sees it.
func Render(q store.Query) (string, error) {
	if len(q.Params) == 0 && strings.IndexByte(q.Text, '{') < 0 {
		return q.Text, nil
	}
	return store.Placeholders(q.Text, func(b *strings.Builder, name, typ string) error {
		v, ok := q.Params.Value(name)
		if !ok {
			return fmt.Errorf("%w: no value for {%s:%s}", store.ErrBind, name, typ)
		}
		if err := writeLiteral(b, typ, v); err != nil {
			return fmt.Errorf("%w: {%s:%s}: %w", store.ErrBind, name, typ, err)
		}
		return nil
	})
}

// writeLiteral writes v as a literal of the ClickHouse type typ.
func writeLiteral(b *strings.Builder, typ string, v any) error {
	switch typ {
	case "String":
		if s, ok := v.(string); ok {
			QuoteString(b, s)
			return nil
		}
	case "UUID":
		if id, ok := v.(uuid.UUID); ok {
			b.WriteString("toUUID('")
			b.WriteString(id.String())
			b.WriteString("')")
			return nil
		}
	case "Array(UUID)":
		if ids, ok := v.([]uuid.UUID); ok {
			writeUUIDArray(b, ids, true)
			return nil
		}
	case "Array(String)":
		switch ss := v.(type) {
		case []uuid.UUID:
			writeUUIDArray(b, ss, false)
			return nil
		case []string:
			writeStringArray(b, ss)
			return nil
		}
	default:
		return writeInteger(b, typ, v)
	}
	return fmt.Errorf("value of Go type %T", v)
}

// writeInteger writes an integer literal: a signed one typed by a
// conversion function (toInt64(…); fromUnixTimestamp64Milli needs an
// Int64, and an untyped literal takes the narrowest type), an unsigned one
// as a bare number (LIMIT n, x % n).
func writeInteger(b *strings.Builder, typ string, v any) error {
	var text string
	var ok bool // v's Go type is the one of typ
	switch n := v.(type) {
	case int64:
		text, ok = strconv.FormatInt(n, 10), typ == "Int64"
	case int32:
		text, ok = strconv.FormatInt(int64(n), 10), typ == "Int32"
	case uint64:
		text, ok = strconv.FormatUint(n, 10), typ == "UInt64"
	case uint32:
		text, ok = strconv.FormatUint(uint64(n), 10), typ == "UInt32"
	case uint16:
		text, ok = strconv.FormatUint(uint64(n), 10), typ == "UInt16"
	case uint8:
		text, ok = strconv.FormatUint(uint64(n), 10), typ == "UInt8"
	}
	if !ok {
		return fmt.Errorf("value of Go type %T", v)
	}
	if typ[0] == 'U' { // unsigned: a bare number, as LIMIT n was always written
		b.WriteString(text)
		return nil
	}
	b.WriteString("to")
	b.WriteString(typ)
	b.WriteByte('(')
	b.WriteString(text)
	b.WriteByte(')')
	return nil
}

// QuoteString writes s as a ClickHouse string literal: every byte as it is
// except the quote and the backslash (escaped) and the control bytes
// (\xHH), so the literal is one line and holds exactly the bytes of s,
// invalid UTF-8 and NUL included.
func QuoteString(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\'' && c != '\\' && c != 0x7f {
			continue
		}
		b.WriteString(s[last:i])
		switch c {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		last = i + 1
	}
	b.WriteString(s[last:])
	b.WriteByte('\'')
}

// Literal returns s as a string literal (QuoteString).
func Literal(s string) string {
	var b strings.Builder
	QuoteString(&b, s)
	return b.String()
}

// writeUUIDArray writes ids as an Array(UUID) (asUUID) or Array(String)
// expression: one string literal split by the engine. A list of thousands
// of literals (['…', '…']) costs the engine's parser and analyzer about
// 5 µs per element, most of a 5,000-id lookup; the single literal next to
// nothing. Canonical UUID text holds no comma and nothing to escape.
func writeUUIDArray(b *strings.Builder, ids []uuid.UUID, asUUID bool) {
	switch {
	case len(ids) == 0 && asUUID:
		b.WriteString("CAST([] AS Array(UUID))")
		return
	case len(ids) == 0:
		b.WriteString("CAST([] AS Array(String))")
		return
	case asUUID:
		// A cast, not arrayMap(toUUID): id IN arrayMap(…) is searched row
		// by row (10 s for 5,000 ids in 400,000 rows), id IN CAST(…) is a
		// set read with the primary key (0.1 s).
		b.WriteString("CAST(")
	}
	b.Grow(len(ids)*37 + 48)
	b.WriteString("splitByChar(',', '")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id.String())
	}
	b.WriteString("')")
	if asUUID {
		b.WriteString(" AS Array(UUID))")
	}
}

// writeStringArray writes ss as an Array(String) expression: one literal
// split on commas when no element holds one (see writeUUIDArray), else an
// array of literals.
func writeStringArray(b *strings.Builder, ss []string) {
	if len(ss) == 0 {
		b.WriteString("CAST([] AS Array(String))")
		return
	}
	comma := false
	for _, s := range ss {
		if strings.IndexByte(s, ',') >= 0 {
			comma = true
			break
		}
	}
	if !comma {
		b.WriteString("splitByChar(',', ")
		QuoteString(b, strings.Join(ss, ","))
		b.WriteByte(')')
		return
	}
	b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			b.WriteString(", ")
		}
		QuoteString(b, s)
	}
	b.WriteByte(']')
}

// insertSettings is the SETTINGS clause of an insert: synchronous, and
// idempotent under token when there is one (store.DedupSettings).
func insertSettings(token string) string {
	out := "async_insert = 0"
	if token == "" {
		return out
	}
	set := store.DedupSettings(token)
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		switch v := set[name].(type) {
		case string:
			out += ", " + name + " = " + Literal(v)
		case int:
			out += ", " + name + " = " + strconv.Itoa(v)
		}
	}
	return out
}

// SettingLiteral renders the value of a setting given as text (a URL
// parameter): an integer as it is, anything else as a string literal.
func SettingLiteral(v string) string {
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return v
	}
	return Literal(v)
}
