package config

import (
	"strings"
	"testing"
)

// query.cursor_secret signs the more cursors: empty (the key in the store) or
// an HMAC-SHA256 key of at least 32 characters, and redacted when printed.
func TestQueryCursorSecret(t *testing.T) {
	c := Default()
	if err := c.Validate(RoleAll); err != nil && strings.Contains(err.Error(), "query.cursor_secret") {
		t.Errorf("empty secret refused: %v", err)
	}
	c.Query.CursorSecret = "too-short"
	if err := c.Validate(RoleAll); err == nil || !strings.Contains(err.Error(), "query.cursor_secret") {
		t.Errorf("short secret: %v, want an error naming query.cursor_secret", err)
	}
	c.Query.CursorSecret = "0123456789abcdef0123456789abcdef-cursor"
	if err := c.Validate(RoleAll); err != nil && strings.Contains(err.Error(), "query.cursor_secret") {
		t.Errorf("long secret refused: %v", err)
	}
	out := Redacted(c)
	if strings.Contains(out, c.Query.CursorSecret) || !strings.Contains(out, "cursor_secret: <redacted>") {
		t.Errorf("cursor_secret not redacted:\n%s", out)
	}
}
