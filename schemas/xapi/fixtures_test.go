package xapi

import (
	"errors"
	"testing"
)

// TestADLExamplesValid: every example statement of the 1.0.3 Data part
// (sections 2.3.2–2.4.11, Appendices A–D; fragments wrapped in a minimal
// statement) must validate under both versions.
func TestADLExamplesValid(t *testing.T) {
	for name, s := range fixtures(t, "valid") {
		for _, v := range both {
			t.Run("Data_Appendix_"+name+"/"+string(v), func(t *testing.T) {
				if err := Validate(v, s); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestNegotiateVersion(t *testing.T) {
	cases := []struct {
		header string
		want   Version
		ok     bool
	}{
		{"1.0", V103, true}, {"1.0.0", V103, true}, {"1.0.3", V103, true}, {"1.0.4", V103, true}, {"1.0.12", V103, true},
		{"2.0", V200, true}, {"2.0.0", V200, true}, {"2.0.1", V200, true},
		{"", "", false}, {"0.95", "", false}, {"1.1.0", "", false}, {"2.1.0", "", false},
		{"1.0.", "", false}, {"1.0.x", "", false}, {"2", "", false}, {"3.0.0", "", false}, {"1.0.0-beta", "", false},
	}
	for _, c := range cases {
		t.Run("Communication_3.3_header_"+c.header, func(t *testing.T) {
			got, err := NegotiateVersion(c.header)
			if c.ok && (err != nil || got != c.want) {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
			if !c.ok && !errors.Is(err, ErrVersion) {
				t.Fatalf("got %q, %v; want ErrVersion", got, err)
			}
		})
	}
}

func TestAboutVersions(t *testing.T) {
	got := AboutVersions()
	if len(got) != 3 || got[0] != "1.0.0" || got[1] != "1.0.3" || got[2] != "2.0.0" {
		t.Fatalf("AboutVersions() = %v", got)
	}
}

func TestDecodeStatements(t *testing.T) {
	cases := []struct {
		name      string
		body      string
		n         int
		batch, ok bool
	}{
		{"single_object", `{"a":1}`, 1, false, true},
		{"array", ` [{"a":1},{"b":2}] `, 2, true, true},
		{"empty_array", `[]`, 0, true, true},
		{"not_json", `{"a":`, 0, false, false},
		{"empty_body", ``, 0, false, false},
		{"top_level_string", `"x"`, 0, false, false},
		{"top_level_null", `null`, 0, false, false},
		{"array_of_non_objects", `[{"a":1}, 2]`, 0, true, false},
		{"trailing_data", `{"a":1} {"b":2}`, 0, false, false},
		{"trailing_garbage", `{"a":1}x`, 0, false, false},
	}
	for _, c := range cases {
		t.Run("Communication_2.1.2_"+c.name, func(t *testing.T) {
			stmts, batch, err := DecodeStatements([]byte(c.body))
			if !c.ok {
				if !errors.Is(err, ErrMalformedJSON) {
					t.Fatalf("err = %v, want ErrMalformedJSON", err)
				}
				return
			}
			if err != nil || len(stmts) != c.n || batch != c.batch {
				t.Fatalf("got %d stmts, batch=%v, err=%v", len(stmts), batch, err)
			}
		})
	}
	s, err := DecodeStatement([]byte(`{"result":{"score":{"raw":1.50}}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Marshal(s)
	if string(b) != `{"result":{"score":{"raw":1.50}}}` {
		t.Errorf("number text not kept: %s", b)
	}
	if _, err := DecodeStatement([]byte(`[{}]`)); !errors.Is(err, ErrMalformedJSON) {
		t.Errorf("DecodeStatement(array) err = %v", err)
	}
}

func TestMarshalDeterministic(t *testing.T) {
	s := mustDecode(t, `{"verb":{"id":"http://e.com/v?a=1&b=<2>"},"actor":{"mbox":"mailto:a@b.c"},"object":{"id":"http://e.com/a"}}`)
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"actor":{"mbox":"mailto:a@b.c"},"object":{"id":"http://e.com/a"},"verb":{"id":"http://e.com/v?a=1&b=<2>"}}`
	if string(b) != want {
		t.Fatalf("Marshal = %s\nwant      %s", b, want)
	}
}

func TestValidateBatch(t *testing.T) {
	a := patched(t, "")
	b := patched(t, `{"id":"2A41C918-B88B-4B20-A0A5-A4C32391AAA0"}`) // same id, other case
	c := patched(t, `{"verb":{"id":"bad"},"-":["id"]}`)
	err := ValidateBatch(V103, []Statement{a, c, b})
	for _, path := range []string{"$[1].verb.id", "$[2].id"} {
		if probs, ok := problemAt(t, err, path); !ok {
			t.Errorf("Communication_2.1.2 batch: no problem at %s: %+v", path, probs)
		}
	}
	if err := ValidateBatch(V200, []Statement{a, patched(t, `{"-":["id"]}`), patched(t, `{"-":["id"]}`)}); err != nil {
		t.Errorf("statements without ids are not duplicates: %v", err)
	}
	if err := ValidateBatch(V200, nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}
