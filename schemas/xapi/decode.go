package xapi

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Statement is a decoded statement. Numbers are json.Number, so they keep
// their exact text when the statement is marshalled again.
type Statement = map[string]any

// DecodeStatements decodes a POST body: one statement object (batch=false)
// or an array of statement objects (batch=true; an empty array is allowed).
// Anything else — not JSON, invalid UTF-8, trailing data, an object with a
// duplicate key at any depth, a top level that is neither, or an array
// element that is not an object — returns an error wrapping
// ErrMalformedJSON. A duplicate-key error names the JSON path of the
// duplicated property (an object with duplicate keys is ambiguous: Data 2.2
// leaves its meaning undefined, so it is rejected rather than guessed).
func DecodeStatements(body []byte) (stmts []Statement, batch bool, err error) {
	d, err := NewStatementDecoder(body)
	if err != nil {
		return nil, false, err
	}
	for {
		st, err := d.Next()
		if err == io.EOF {
			if stmts == nil {
				stmts = []Statement{}
			}
			return stmts, d.Batch(), nil
		}
		if err != nil {
			return nil, d.Batch(), err
		}
		stmts = append(stmts, st)
	}
}

// DecodeStatement decodes a body that must hold exactly one statement
// object (PUT). Errors wrap ErrMalformedJSON.
func DecodeStatement(body []byte) (Statement, error) {
	v, err := decodeValue(body)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: top level is %s, not a statement object", ErrMalformedJSON, jsonType(v))
	}
	return m, nil
}

// maxDepth bounds nesting (encoding/json uses 10000); deeper input is
// rejected instead of exhausting the stack.
const maxDepth = 10000

// DuplicateKeyError reports an object holding the same key twice. It
// matches ErrMalformedJSON with errors.Is.
type DuplicateKeyError struct {
	Path string // JSONPath of the duplicated property, e.g. `$.actor.mbox`
}

func (e *DuplicateKeyError) Error() string {
	return ErrMalformedJSON.Error() + ": duplicate key at " + e.Path + " (Data 2.2: an object with duplicate keys is ambiguous)"
}

// Is makes errors.Is(err, ErrMalformedJSON) true.
func (e *DuplicateKeyError) Is(target error) bool { return target == ErrMalformedJSON }

// jsonType names the JSON type of a decoded value for messages.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, float32, int, int64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

// Marshal encodes s as compact JSON with object keys sorted (deterministic),
// numbers as received, and no HTML escaping. The result's capacity is its
// length: it is encoded in a reused buffer and copied out, so that the many
// encoded statements a request keeps hold no spare room.
func Marshal(s Statement) ([]byte, error) {
	bp := marshalBufs.Get().(*[]byte)
	b, err := appendJSON((*bp)[:0], map[string]any(s))
	var out []byte
	if err == nil {
		out = append(make([]byte, 0, len(b)), b...)
	}
	if cap(b) <= maxPooledBuf {
		*bp = b[:0]
		marshalBufs.Put(bp)
	}
	return out, err
}

// maxPooledBuf is the largest encoding buffer kept for reuse.
const maxPooledBuf = 64 << 10

var marshalBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}
