package chdb

import (
	"testing"

	"github.com/tributary-lrs/tributary/schemas/store"
)

func TestParseError(t *testing.T) {
	cases := []struct {
		text      string
		code      int32
		name, msg string
	}{
		{"Code: 62. DB::Exception: Syntax error: failed at position 1 (SELEC). (SYNTAX_ERROR)", 62, "SYNTAX_ERROR", "Syntax error: failed at position 1 (SELEC)."},
		{"Code: 81. DB::Exception: Database nodb does not exist. (UNKNOWN_DATABASE)\n", 81, "UNKNOWN_DATABASE", "Database nodb does not exist."},
		{"Code: 252. DB::Exception: Too many parts (300). (TOO_MANY_PARTS) (version 26.5.1.1 (official build))", 252, "TOO_MANY_PARTS", "Too many parts (300)."},
		{"Code: 1. Something odd", 1, "", "Something odd"},
	}
	for _, c := range cases {
		err := parseError(c.text)
		se, ok := err.(*store.ServerError)
		if !ok {
			t.Fatalf("parseError(%q) = %T %v, want *store.ServerError", c.text, err, err)
		}
		if se.Code != c.code || se.Name != c.name || se.Message != c.msg {
			t.Errorf("parseError(%q) = {%d %q %q}, want {%d %q %q}", c.text, se.Code, se.Name, se.Message, c.code, c.name, c.msg)
		}
	}
	if store.IsTransient(parseError("Code: 62. DB::Exception: x. (SYNTAX_ERROR)")) {
		t.Error("syntax error classified as transient")
	}
	if !store.IsTransient(parseError("Code: 252. DB::Exception: x. (TOO_MANY_PARTS)")) {
		t.Error("TOO_MANY_PARTS not classified as transient")
	}
	if _, ok := parseError("invalid connection").(*store.ServerError); ok {
		t.Error("text without a code parsed as ServerError")
	}
}
