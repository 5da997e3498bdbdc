package xapi

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// wholeDecode is what DecodeStatements answered when it decoded the whole
// body at once: the statements, whether the body is an array, and ok=false
// for anything but an object or an array of objects.
func wholeDecode(body []byte) ([]Statement, bool, bool) {
	v, err := decodeValue(body)
	if err != nil {
		return nil, false, false
	}
	switch t := v.(type) {
	case map[string]any:
		return []Statement{t}, false, true
	case []any:
		out := []Statement{}
		for _, e := range t {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, true, false
			}
			out = append(out, m)
		}
		return out, true, true
	}
	return nil, false, false
}

func checkStreamMatchesWhole(t *testing.T, body []byte) {
	t.Helper()
	got, batch, err := DecodeStatements(body)
	want, wantBatch, ok := wholeDecode(body)
	switch {
	case err != nil && !errors.Is(err, ErrMalformedJSON):
		t.Fatalf("%q: error %v does not wrap ErrMalformedJSON", body, err)
	case (err == nil) != ok:
		t.Fatalf("%q: stream err %v, whole-body ok=%v", body, err, ok)
	case err == nil && (batch != wantBatch || !reflect.DeepEqual(got, want)):
		t.Fatalf("%q: stream %#v (batch %v), whole body %#v (batch %v)", body, got, batch, want, wantBatch)
	}
}

func TestStatementDecoderMatchesWholeBodyDecode(t *testing.T) {
	for _, body := range []string{
		baseStatement, "[" + baseStatement + "]", "[" + baseStatement + " ,\n" + baseStatement + "]", `[]`, ` [ ] `,
		`{}`, `[{}]`, `[{},{}]`, `[{"a":"]}"},{"b":"\"}]"}]`, `[{"a":[{"b":{}}]}]`,
		`[{},1]`, `[1]`, `["x"]`, `[null]`, `[[]]`, `[true]`, `1`, `"s"`, `null`, ``, ` `,
		`[{},]`, `[{} {}]`, `[{}`, `[{},`, `[{"a":1}}]`, `[{"a":[1}]`, `{"a":1}}`, `{"a":1} x`, `[{}] x`,
		`{"a":"x`, `[{"a":"x\"}]`, `[{"a":1,"a":2}]`, `{"a":{"b":1,"b":2}}`,
	} {
		checkStreamMatchesWhole(t, []byte(body))
	}
}

func TestStatementDecoderDuplicateKeyPaths(t *testing.T) {
	for body, path := range map[string]string{
		`{"actor":{"mbox":"a","mbox":"b"}}`:       "$.actor.mbox",
		`[{},{"verb":{"id":"x","id":"y"}}]`:       "$[1].verb.id",
		`[{},{},{"a":[{"b":1},{"b":1,"b":2}]}]`:   "$[2].a[1].b",
		` [ {"x":1} , {"context":{"c":1,"c":1}}]`: "$[1].context.c",
	} {
		_, _, err := DecodeStatements([]byte(body))
		var de *DuplicateKeyError
		if !errors.As(err, &de) || de.Path != path {
			t.Errorf("%s: err %v, want a duplicate key at %s", body, err, path)
		}
	}
}

func TestStatementDecoderOffsetsAreOfTheBody(t *testing.T) {
	_, _, err := DecodeStatements([]byte(`[{"a":1}, {"b":tru}]`))
	if err == nil || !strings.Contains(err.Error(), "at offset 15") {
		t.Errorf("err = %v, want the offset of the bad literal in the body (15)", err)
	}
}

// A decoded statement keeps only its own bytes reachable, not the whole
// body: a request can drop each statement once it is processed.
func TestDecodedStatementPinsOnlyItsOwnBytes(t *testing.T) {
	const n = 4000
	var body bytes.Buffer
	body.WriteByte('[')
	for i := range n {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(baseStatement)
	}
	body.WriteByte(']')
	size := body.Len()

	d, err := NewStatementDecoder(body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var kept Statement
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for {
		st, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kept = st // only the last one stays reachable
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > int64(size)/4 {
		t.Errorf("one kept statement holds %d bytes of heap; the body is %d bytes", grown, size)
	}
	runtime.KeepAlive(kept)
	runtime.KeepAlive(&body)
}

func FuzzStatementDecoder(f *testing.F) {
	for _, s := range []string{baseStatement, `[{},{}]`, `[{"a":"]"}]`, `[{} {}]`, `[{"a":1,"a":1}]`, `[1]`, `{"a":[}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var de *DuplicateKeyError
		if _, _, err := DecodeStatements(body); errors.As(err, &de) {
			return // which duplicate is reported first may differ
		}
		checkStreamMatchesWhole(t, body)
	})
}
