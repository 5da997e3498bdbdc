package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Every query is plain SQL text, the same on both engines. Values are written
// as literals with these helpers; nothing else may splice user input into SQL.

// String renders s as a ClickHouse string literal.
func String(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// Strings renders a list of string literals separated by commas, for IN (...).
func Strings(ss []string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = String(s)
	}
	return strings.Join(parts, ", ")
}

// UUID renders id as a UUID literal.
func UUID(id uuid.UUID) string { return "toUUID('" + id.String() + "')" }

// UUIDs renders a list of UUIDs for IN (...) against a UUID column: plain
// string literals, which ClickHouse converts once to the column type (a third
// of the cost of a toUUID() call per element on a 400-id lookup).
func UUIDs(ids []uuid.UUID) string {
	var b strings.Builder
	b.Grow(len(ids) * 40)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('\'')
		b.WriteString(id.String())
		b.WriteByte('\'')
	}
	return b.String()
}

// UUIDArray renders ids as an Array(UUID) expression for has(UUIDArray(ids),
// column), which the engine answers like IN with the primary key: one
// string literal split by the engine. A list of thousands of literals
// (IN ('…', '…')) costs the engine's parser and analyzer about 5 µs per
// element, most of a 5,000-id lookup; the literal next to nothing.
func UUIDArray(ids []uuid.UUID) string {
	if len(ids) == 0 {
		return "CAST([] AS Array(UUID))"
	}
	return "arrayMap(x -> toUUID(x), " + UUIDStringArray(ids) + ")"
}

// UUIDStringArray renders ids as an Array(String) of their canonical
// (lower-case) text, as UUIDArray does, for a String column holding UUIDs.
func UUIDStringArray(ids []uuid.UUID) string {
	if len(ids) == 0 {
		return "CAST([] AS Array(String))"
	}
	// Canonical UUID text holds neither a comma nor anything String would
	// escape.
	var b strings.Builder
	b.Grow(len(ids)*37 + 24)
	b.WriteString("splitByChar(',', '")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id.String())
	}
	b.WriteString("')")
	return b.String()
}

// Time renders t as a DateTime64(3, 'UTC') literal (millisecond precision).
func Time(t time.Time) string {
	return "fromUnixTimestamp64Milli(toInt64(" + strconv.FormatInt(t.UnixMilli(), 10) + "), 'UTC')"
}

// Ident renders a database or table identifier, quoted with backticks.
func Ident(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// Table renders a qualified table name db.table.
func Table(db, table string) string { return Ident(db) + "." + Ident(table) }

func columnLen(data any) int {
	switch d := data.(type) {
	case []string:
		return len(d)
	case []uint8:
		return len(d)
	case []uint16:
		return len(d)
	case []uint32:
		return len(d)
	case []uint64:
		return len(d)
	case []int64:
		return len(d)
	case []time.Time:
		return len(d)
	case []uuid.UUID:
		return len(d)
	case [][]string:
		return len(d)
	case [][]uuid.UUID:
		return len(d)
	case [][][]string:
		return len(d)
	default:
		return -1
	}
}
