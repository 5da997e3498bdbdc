package xapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Statement is a decoded statement. Numbers are json.Number, so they keep
// their exact text when the statement is marshalled again.
type Statement = map[string]any

// DecodeStatements decodes a POST body: one statement object (batch=false)
// or an array of statement objects (batch=true; an empty array is allowed).
// Anything else — not JSON, trailing data, a top level that is neither, or
// an array element that is not an object — returns an error wrapping
// ErrMalformedJSON.
//
// Duplicate keys are not detected: encoding/json keeps the last one (Data
// 2.2 leaves LRS behaviour for duplicated properties undefined).
func DecodeStatements(body []byte) (stmts []Statement, batch bool, err error) {
	v, err := decodeValue(body)
	if err != nil {
		return nil, false, err
	}
	switch t := v.(type) {
	case map[string]any:
		return []Statement{t}, false, nil
	case []any:
		stmts = make([]Statement, len(t))
		for i, e := range t {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, true, fmt.Errorf("%w: element %d of the array is %s, not a statement object", ErrMalformedJSON, i, jsonType(e))
			}
			stmts[i] = m
		}
		return stmts, true, nil
	default:
		return nil, false, fmt.Errorf("%w: top level is %s, not a statement object or array", ErrMalformedJSON, jsonType(v))
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

func decodeValue(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: empty body", ErrMalformedJSON)
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformedJSON, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: trailing data after the JSON value", ErrMalformedJSON)
	}
	return v, nil
}

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
// numbers as received, and no HTML escaping.
func Marshal(s Statement) ([]byte, error) {
	return appendJSON(make([]byte, 0, 1536), map[string]any(s))
}
