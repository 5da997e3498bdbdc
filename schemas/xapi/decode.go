package xapi

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
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

// decoder is a hand-written JSON parser producing the values encoding/json
// produces with UseNumber (map[string]any, []any, string, json.Number, bool,
// nil). Strings without escapes are substrings of one copy of the body, so
// they cost no allocation of their own. Objects are built directly as maps;
// a key whose insertion does not grow the map is a duplicate.
type decoder struct {
	data  []byte
	str   string // string(data): one copy, sliced for unescaped strings
	pos   int
	depth int
	err   error
	arr   []any // scratch stack of the elements of the open arrays
	dup   []any // duplicate key: its path, innermost first (string key or int index)
	elems []any // slab backing the decoded arrays
}

// scratch holds the reusable element stack of a decoder. It is not cleared
// after use: a pooled stack may keep values of the last decoded body
// reachable until it is reused or the pool is dropped at a GC, which is
// cheaper than clearing (write barriers) on every array.
type scratch struct {
	arr []any
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{arr: make([]any, 0, 32)}
}}

// slice returns a new []any holding elems, carved from a shared slab with
// cap == len, so that an append by a caller reallocates.
func (d *decoder) slice(elems []any) []any {
	n := len(elems)
	if len(d.elems) < n {
		d.elems = make([]any, max(n, 64))
	}
	out := d.elems[:n:n]
	d.elems = d.elems[n:]
	copy(out, elems)
	return out
}

func decodeValue(body []byte) (any, error) {
	d := decoder{data: body, str: string(body)}
	sc := scratchPool.Get().(*scratch)
	d.arr = sc.arr[:0]
	defer func() {
		if cap(d.arr) <= 4096 {
			sc.arr = d.arr[:0]
			scratchPool.Put(sc)
		}
	}()
	d.skipWS()
	if d.pos == len(d.data) {
		return nil, fmt.Errorf("%w: empty body", ErrMalformedJSON)
	}
	v := d.value()
	if d.err != nil {
		if d.dup != nil {
			return nil, &DuplicateKeyError{Path: dupPath(d.dup)}
		}
		return nil, d.err
	}
	d.skipWS()
	if d.pos != len(d.data) {
		return nil, fmt.Errorf("%w: trailing data after the JSON value (offset %d)", ErrMalformedJSON, d.pos)
	}
	return v, nil
}

func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at offset %d", ErrMalformedJSON, msg, d.pos)
	}
}

func (d *decoder) skipWS() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() any {
	if d.pos >= len(d.data) {
		d.fail("unexpected end of JSON input")
		return nil
	}
	switch c := d.data[d.pos]; c {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		s, ok := d.string()
		if !ok {
			return nil
		}
		if s == "" {
			return ""
		}
		return s
	case 't':
		return d.literal("true", true)
	case 'f':
		return d.literal("false", false)
	case 'n':
		return d.literal("null", nil)
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return d.number()
		}
		d.fail("invalid character " + strconv.QuoteRune(rune(c)) + " looking for beginning of value")
		return nil
	}
}

func (d *decoder) literal(lit string, v any) any {
	if len(d.data)-d.pos < len(lit) || d.str[d.pos:d.pos+len(lit)] != lit {
		d.fail("invalid literal")
		return nil
	}
	d.pos += len(lit)
	return v
}

func (d *decoder) object() any {
	if d.depth++; d.depth > maxDepth {
		d.fail("exceeded max depth")
		return nil
	}
	d.pos++ // '{'
	m := make(map[string]any)
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return m
	}
	for {
		d.skipWS()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			d.fail("expected a string object key")
			return nil
		}
		k, ok := d.string()
		if !ok {
			return nil
		}
		d.skipWS()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			d.fail("expected ':' after object key")
			return nil
		}
		d.pos++
		d.skipWS()
		v := d.value()
		if d.err != nil {
			if d.dup != nil {
				d.dup = append(d.dup, k)
			}
			return nil
		}
		n := len(m)
		if m[k] = v; len(m) == n {
			d.duplicate(k)
			return nil
		}
		d.skipWS()
		if d.pos >= len(d.data) {
			d.fail("unexpected end of JSON input")
			return nil
		}
		if d.data[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.data[d.pos] != '}' {
			d.fail("expected ',' or '}' after object value")
			return nil
		}
		d.pos++
		break
	}
	d.depth--
	return m
}

func (d *decoder) array() any {
	if d.depth++; d.depth > maxDepth {
		d.fail("exceeded max depth")
		return nil
	}
	d.pos++ // '['
	base := len(d.arr)
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return []any{}
	}
	for i := 0; ; i++ {
		d.skipWS()
		v := d.value()
		if d.err != nil {
			if d.dup != nil {
				d.dup = append(d.dup, i)
			}
			return nil
		}
		d.arr = append(d.arr, v)
		d.skipWS()
		if d.pos >= len(d.data) {
			d.fail("unexpected end of JSON input")
			return nil
		}
		if d.data[d.pos] == ',' {
			d.pos++
			continue
		}
		if d.data[d.pos] != ']' {
			d.fail("expected ',' or ']' after array element")
			return nil
		}
		d.pos++
		break
	}
	out := d.slice(d.arr[base:])
	d.arr = d.arr[:base]
	d.depth--
	return out
}

// duplicate records a duplicate key k of the object being parsed; the
// enclosing objects and arrays add their keys and indexes as they unwind.
func (d *decoder) duplicate(k string) {
	d.err = ErrMalformedJSON
	d.dup = append(d.dup, k)
}

// dupPath formats a path recorded innermost first, as path.String does.
func dupPath(segs []any) string {
	root := rootPath()
	return dupPathFrom(&root, segs)
}

func dupPathFrom(p *path, segs []any) string {
	if len(segs) == 0 {
		return p.String()
	}
	var c path
	switch s := segs[len(segs)-1].(type) {
	case string:
		c = p.k(s)
	case int:
		c = p.i(s)
	}
	return dupPathFrom(&c, segs[:len(segs)-1])
}

// number validates the JSON number grammar and returns its text.
func (d *decoder) number() any {
	start, b := d.pos, d.data
	i := d.pos
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		d.pos = i
		d.fail("invalid number")
		return nil
	}
	if i < len(b) && b[i] == '.' {
		i++
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			d.pos = i
			d.fail("invalid number: digit expected after '.'")
			return nil
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			d.pos = i
			d.fail("invalid number: digit expected in exponent")
			return nil
		}
	}
	d.pos = i
	return json.Number(d.str[start:i])
}

// string parses a string starting at the opening quote. Invalid UTF-8 and
// control characters are rejected; escapes are decoded as encoding/json
// does (a lone surrogate escape becomes U+FFFD).
func (d *decoder) string() (string, bool) {
	b := d.data
	start := d.pos + 1
	i := start
	// Skip 8 bytes at a time while none is '"', '\\', a control character
	// or non-ASCII.
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if x&hi8 != 0 || hasZero(x^(lo8*'"')) || hasZero(x^(lo8*'\\')) || (x-lo8*0x20)&^x&hi8 != 0 {
			break
		}
	}
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return d.str[start:i], true
		case c == '\\':
			return d.escapedString(start, i)
		case c < 0x20:
			d.pos = i
			d.fail("invalid control character in string")
			return "", false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				d.pos = i
				d.fail("invalid UTF-8 in string")
				return "", false
			}
			i += size
		}
	}
	d.pos = len(b)
	d.fail("unexpected end of JSON input in string")
	return "", false
}

// escapedString continues string() from the first backslash at i.
func (d *decoder) escapedString(start, i int) (string, bool) {
	b := d.data
	out := make([]byte, 0, i-start+16)
	out = append(out, b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return string(out), true
		case c == '\\':
			if i+1 >= len(b) {
				d.pos = i
				d.fail("unexpected end of JSON input in string")
				return "", false
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
				i += 2
			case 'b':
				out = append(out, '\b')
				i += 2
			case 'f':
				out = append(out, '\f')
				i += 2
			case 'n':
				out = append(out, '\n')
				i += 2
			case 'r':
				out = append(out, '\r')
				i += 2
			case 't':
				out = append(out, '\t')
				i += 2
			case 'u':
				r, ok := hex4(b, i+2)
				if !ok {
					d.pos = i
					d.fail("invalid \\u escape in string")
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
						if x, ok := hex4(b, i+2); ok {
							if dec := utf16.DecodeRune(r, x); dec != utf8.RuneError {
								r2 = dec
								i += 6
							}
						}
					}
					r = r2
				}
				out = utf8.AppendRune(out, r)
			default:
				d.pos = i
				d.fail("invalid escape in string")
				return "", false
			}
		case c < 0x20:
			d.pos = i
			d.fail("invalid control character in string")
			return "", false
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				d.pos = i
				d.fail("invalid UTF-8 in string")
				return "", false
			}
			out = append(out, b[i:i+size]...)
			i += size
		}
	}
	d.pos = len(b)
	d.fail("unexpected end of JSON input in string")
	return "", false
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// hasZero reports whether a byte of x is zero (for x without high bits).
func hasZero(x uint64) bool { return (x-lo8)&^x&hi8 != 0 }

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
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
