package xapi

import (
	"fmt"
	"strconv"
	"sync"
)

// decoder is a hand-written JSON parser producing the values encoding/json
// produces with UseNumber (map[string]any, []any, string, json.Number, bool,
// nil). Strings without escapes are substrings of one copy of the body, so
// they cost no allocation of their own. Objects are built directly as maps;
// a key whose insertion does not grow the map is a duplicate.
type decoder struct {
	data  []byte
	str   string // string(data): one copy, sliced for unescaped strings
	pos   int
	base  int // offset of data in the whole body, for messages
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
		d.err = fmt.Errorf("%w: %s at offset %d", ErrMalformedJSON, msg, d.base+d.pos)
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
