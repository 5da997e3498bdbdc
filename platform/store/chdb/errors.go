package chdb

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/tributary-lrs/tributary/schemas/store"
)

var (
	// "Code: 62. DB::Exception: Syntax error: ... (SYNTAX_ERROR)"
	codeRe = regexp.MustCompile(`^Code:\s*(\d+)\.\s*`)
	// The symbolic name closing the message, optionally before "(version …)".
	nameRe = regexp.MustCompile(`\s*\(([A-Z][A-Z0-9_]+)\)(\s*\(version [^)]*(\([^)]*\))?\))?\s*$`)
)

// parseError turns chDB's exception text into a *store.ServerError; text
// that carries no code becomes a plain error.
func parseError(text string) error {
	msg := strings.TrimSpace(text)
	m := codeRe.FindStringSubmatch(msg)
	if m == nil {
		return errors.New("chdb: " + msg)
	}
	code, err := strconv.ParseInt(m[1], 10, 32)
	if err != nil {
		return errors.New("chdb: " + msg)
	}
	msg = msg[len(m[0]):]
	if i := strings.Index(msg, ": "); i > 0 && !strings.ContainsAny(msg[:i], " \t\n") &&
		strings.Contains(strings.ToLower(msg[:i]), "exception") {
		msg = msg[i+2:]
	}
	se := &store.ServerError{Code: int32(code)}
	if n := nameRe.FindStringSubmatchIndex(msg); n != nil {
		se.Name = msg[n[2]:n[3]]
		msg = msg[:n[0]]
	}
	se.Message = strings.TrimSpace(msg)
	return se
}
