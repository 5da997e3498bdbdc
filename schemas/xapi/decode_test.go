package xapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"unicode/utf8"
)

// stdDecode is the encoding/json reference: UseNumber, no trailing data.
func stdDecode(body []byte) (any, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	bodies := []string{
		baseStatement, `{}`, `[]`, ` {"a" : [ 1 , -0.5e+3 , true , false , null , "" ] } `,
		`{"s":"\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r x"}`, `{"lone":"\ud800 and \udc00 and \ud800\u0041"}`,
		`{"a":{"b":{"c":[[],[{}]]}}}`, `{"n":[0,1.0,1e5,1E-5,-0,123456789012345678901234567890]}`,
		`{"é":"日本語"}`,
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "valid", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	for _, body := range bodies {
		got, err := decodeValue([]byte(body))
		want, ok := stdDecode([]byte(body))
		if err != nil || !ok {
			t.Fatalf("%.60s: err %v, encoding/json ok=%v", body, err, ok)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%.60s: got %#v, want %#v", body, got, want)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for name, body := range map[string]string{
		"empty":                ``,
		"whitespace":           "  \n",
		"trailing_data":        `{} {}`,
		"trailing_garbage":     `{"a":1}x`,
		"unterminated_object":  `{"a":1`,
		"unterminated_string":  `{"a":"x`,
		"missing_colon":        `{"a" 1}`,
		"trailing_comma":       `{"a":1,}`,
		"array_trailing_comma": `[1,]`,
		"single_quotes":        `{'a':1}`,
		"leading_zero":         `{"a":01}`,
		"bare_dot":             `{"a":1.}`,
		"plus_sign":            `{"a":+1}`,
		"bad_exponent":         `{"a":1e}`,
		"bad_literal":          `{"a":tru}`,
		"control_char":         "{\"a\":\"x\ty\"}",
		"bad_escape":           `{"a":"\x"}`,
		"bad_unicode_escape":   `{"a":"\u12G4"}`,
		"invalid_utf8":         "{\"a\":\"\xff\"}",
		"invalid_utf8_key":     "{\"\xc3\x28\":1}",
		"overlong_utf8":        "{\"a\":\"\xc0\xaf\"}",
		"utf8_surrogate":       "{\"a\":\"\xed\xa0\x80\"}",
		"bom":                  "\xef\xbb\xbf{}",
		"nan":                  `{"a":NaN}`,
		"too_deep":             string(bytes.Repeat([]byte("["), maxDepth+1)) + string(bytes.Repeat([]byte("]"), maxDepth+1)),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := DecodeStatement([]byte(body)); !errors.Is(err, ErrMalformedJSON) {
				t.Fatalf("err = %v, want ErrMalformedJSON", err)
			}
		})
	}
}

func TestDecodeDuplicateKeys(t *testing.T) {
	for body, path := range map[string]string{
		`{"id":"a","id":"b"}`: "$.id",
		`{"actor":{"mbox":"mailto:a@b.c","name":"x","mbox":"mailto:d@e.f"}}`:                                                                                  "$.actor.mbox",
		`{"context":{"contextActivities":{"parent":[{"id":"x"},{"id":"y","id":"z"}]}}}`:                                                                       "$.context.contextActivities.parent[1].id",
		`{"result":{"extensions":{"http://e.com/x":1,"http://e.com/x":2}}}`:                                                                                   `$.result.extensions["http://e.com/x"]`,
		`{"a":{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k3":3}}`: "$.a.k3",
		`{"s":"\u0061","s":"a"}`: "$.s", // equal after unescaping
	} {
		_, err := DecodeStatement([]byte(body))
		var de *DuplicateKeyError
		if !errors.As(err, &de) || !errors.Is(err, ErrMalformedJSON) {
			t.Errorf("%s: err = %v, want a DuplicateKeyError", body, err)
			continue
		}
		if de.Path != path {
			t.Errorf("%s: path %q, want %q", body, de.Path, path)
		}
	}
	if _, _, err := DecodeStatements([]byte(`[{},{"a":1,"a":1}]`)); err == nil || err.Error() != `xapi: malformed JSON: duplicate key at $[1].a (Data 2.2: an object with duplicate keys is ambiguous)` {
		t.Errorf("batch: err = %v", err)
	}
	// the same key in different objects is not a duplicate
	if _, err := DecodeStatement([]byte(`{"a":{"id":1},"b":{"id":1},"id":[{"id":1},{"id":2}]}`)); err != nil {
		t.Errorf("err = %v", err)
	}
}

// TestDecodeValuesIndependent: decoded arrays share a slab; appending to one
// must not overwrite another.
func TestDecodeValuesIndependent(t *testing.T) {
	m := mustDecode(t, `{"a":[1,2],"b":[3,4]}`)
	a := append(m["a"].([]any), "x")
	_ = a
	if got := toJSON(t, m); got != `{"a":[1,2],"b":[3,4]}` {
		t.Fatalf("got %s", got)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(baseStatement))
	for _, s := range []string{`{}`, `[1,"a",{"b":null}]`, `{"a":"\ud83d\ude00"}`, `{"a":1,"a":2}`, `-0.1e-2`, `"\u0000"`, "\"\xff\"", `{"a":[{"b":{}}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := decodeValue(body)
		want, ok := stdDecode(body)
		var de *DuplicateKeyError
		switch {
		case errors.As(err, &de):
			return // encoding/json keeps the last value; the rest may be anything
		case err == nil && !utf8.Valid(body):
			t.Fatalf("accepted invalid UTF-8 %q", body)
		case err == nil && !ok:
			t.Fatalf("accepted %q, which encoding/json rejects", body)
		case err != nil && ok && utf8.Valid(body):
			t.Fatalf("rejected %q (%v), which encoding/json accepts", body, err)
		case err == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("%q: got %#v, want %#v", body, got, want)
		}
		if err != nil && !errors.Is(err, ErrMalformedJSON) {
			t.Fatalf("error %v does not wrap ErrMalformedJSON", err)
		}
	})
}

// TestDecodeSurvivesGC: boxed strings and array slabs stay intact across
// collections while other goroutines decode.
func TestDecodeSurvivesGC(t *testing.T) {
	want, _ := stdDecode([]byte(baseStatement))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var kept []any
			for i := 0; i < 200; i++ {
				v, err := decodeValue([]byte(baseStatement))
				if err != nil {
					t.Error(err)
					return
				}
				kept = append(kept, v)
				if i%50 == 0 {
					runtime.GC()
				}
			}
			runtime.GC()
			for _, v := range kept {
				if !reflect.DeepEqual(v, want) {
					t.Error("decoded value changed after GC")
					return
				}
			}
		}()
	}
	wg.Wait()
}
