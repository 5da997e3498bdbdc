package store

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Identifiers (database, table and column names) are the only names that
// enter SQL text; values go in a Query's Params.

// ErrIdentifier marks a database or table name that is not a plain
// identifier.
var ErrIdentifier = errors.New("not a plain identifier (a letter or '_', then letters, digits, '_')")

// CheckIdent returns an error wrapping ErrIdentifier unless name is a plain
// identifier: a letter or '_', then letters, digits and '_' (at most 255).
// A database name from configuration is checked before it reaches SQL.
func CheckIdent(name string) error {
	if !isIdent(name) {
		return fmt.Errorf("%q: %w", name, ErrIdentifier)
	}
	return nil
}

// Ident renders a database or table identifier, quoted with backticks. A
// plain identifier (CheckIdent) is the only kind configuration accepts; any
// other name is still quoted safely (backslash and backtick escaped).
func Ident(name string) string {
	if isIdent(name) {
		return "`" + name + "`"
	}
	return "`" + identEscaper.Replace(name) + "`"
}

var identEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`")

// InDB returns text with every {db} replaced by the quoted database name db:
// the query constants name their tables {db}.table.
func InDB(text, db string) string { return strings.ReplaceAll(text, "{db}", Ident(db)) }

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
