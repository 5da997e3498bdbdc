package xapi

import (
	"bytes"
	"encoding/json"
	"testing"
)

// appendJSON must produce exactly what encoding/json produces (sorted keys,
// no HTML escaping), so stored bytes and content hashes never depend on which
// encoder wrote them.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	docs := []string{
		`{"b":1,"a":[true,false,null,"x"],"c":{"z":"<&>","y":1.50,"x":-0e3}}`,
		`{"s":"quote\" backslash\\ nl\n cr\r tab\t bs\b ff\f ctl\u0001\u001f del\u007f"}`,
		`{"u":"é ü 中文 🚀 \u2028 \u2029","empty":"","k\"ey":{"":[]}}`,
		`{"n":[0,1e10,123456789012345678901234567890,-1.25E-7]}`,
	}
	for _, d := range docs {
		dec := json.NewDecoder(bytes.NewReader([]byte(d)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		if w := bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got, w) {
			t.Errorf("appendJSON(%s)\n got %s\nwant %s", d, got, w)
		}
	}
	// Invalid UTF-8 (never produced by the decoder, but possible in a map
	// built in code) is replaced like encoding/json does.
	got, _ := appendJSON(nil, map[string]any{"s": "a\xffb"})
	if string(got) != `{"s":"a\ufffdb"}` {
		t.Errorf("invalid UTF-8: %s", got)
	}
}

// FuzzAppendStringMatchesEncodingJSON: strings are quoted exactly as
// encoding/json quotes them without HTML escaping, whatever their bytes
// (the fast path skips 8 bytes at a time only when none needs escaping).
func FuzzAppendStringMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plain ascii text", "0123456\"89", "abcdefg\\hij", "abcdefgh\x01", "é ü 中文 🚀", "\u2028abcdefgh\u2029", "\xff\xfe12345678", "12345678\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got, w := appendString(nil, s), bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got, w) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, w)
		}
	})
}
