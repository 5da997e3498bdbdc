package xapi

import (
	"fmt"
	"io"
	"strconv"
)

// StatementDecoder reads the statements of a POST body one at a time: the
// body is one statement object or an array of them (an empty array too).
// Each statement is decoded on its own and its strings share a copy of its
// own bytes only, so a caller that drops each statement once it is done with
// it never holds more than one decoded statement. Errors wrap
// ErrMalformedJSON; a duplicate key is a *DuplicateKeyError whose path
// starts at the statement's index in the array ("$[3].actor.mbox").
type StatementDecoder struct {
	data  []byte
	pos   int
	batch bool
	n     int  // statements returned so far
	done  bool // the closing ']' (or the single object) was read
}

// NewStatementDecoder checks the top level of body. It fails when body is
// empty or its top level is neither an object nor an array.
func NewStatementDecoder(body []byte) (*StatementDecoder, error) {
	d := &StatementDecoder{data: body}
	d.skipWS()
	if d.pos == len(body) {
		return nil, fmt.Errorf("%w: empty body", ErrMalformedJSON)
	}
	switch c := body[d.pos]; c {
	case '{':
	case '[':
		d.batch = true
		d.pos++
		d.skipWS()
		if d.pos < len(body) && body[d.pos] == ']' {
			d.pos++
			return d, d.end()
		}
	default:
		return nil, d.notStatement(c, "top level is %s, not a statement object or array")
	}
	return d, nil
}

// Batch reports whether the body is an array (paths of problems then start
// at "$[i]").
func (d *StatementDecoder) Batch() bool { return d.batch }

// Next returns the next statement, or io.EOF after the last one.
func (d *StatementDecoder) Next() (Statement, error) {
	if d.done {
		return nil, io.EOF
	}
	if d.batch && d.n > 0 {
		d.skipWS()
		switch {
		case d.pos >= len(d.data):
			return nil, d.fail("unexpected end of JSON input")
		case d.data[d.pos] == ']':
			d.pos++
			return nil, d.endOrEOF()
		case d.data[d.pos] != ',':
			return nil, d.fail("expected ',' or ']' after array element")
		}
		d.pos++
	}
	d.skipWS()
	if d.pos >= len(d.data) {
		return nil, d.fail("unexpected end of JSON input")
	}
	if c := d.data[d.pos]; c != '{' {
		return nil, d.notStatement(c, "element "+strconv.Itoa(d.n)+" of the array is %s, not a statement object")
	}
	st, err := d.object()
	if err != nil {
		return nil, err
	}
	d.n++
	if !d.batch {
		d.done = true
		if err := d.end(); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// object decodes the object starting at d.pos with a decoder of its own.
func (d *StatementDecoder) object() (Statement, error) {
	start := d.pos
	end := closingBracket(d.data, start)
	sub := decoder{data: d.data[start:end], str: string(d.data[start:end]), base: start}
	if d.batch {
		sub.depth = 1 // the array
	}
	sc := scratchPool.Get().(*scratch)
	sub.arr = sc.arr[:0]
	v := sub.value()
	if cap(sub.arr) <= 4096 {
		sc.arr = sub.arr[:0]
		scratchPool.Put(sc)
	}
	if sub.err != nil {
		if sub.dup != nil {
			root := rootPath()
			if d.batch {
				elem := root.i(d.n)
				return nil, &DuplicateKeyError{Path: dupPathFrom(&elem, sub.dup)}
			}
			return nil, &DuplicateKeyError{Path: dupPathFrom(&root, sub.dup)}
		}
		return nil, sub.err
	}
	d.pos = start + sub.pos
	if sub.pos != len(sub.data) { // brackets balanced differently than the object: report what follows
		if d.batch {
			return nil, d.fail("expected ',' or ']' after array element")
		}
		return nil, d.fail("trailing data after the JSON value")
	}
	return v.(map[string]any), nil
}

// end checks that nothing but whitespace follows the top-level value.
func (d *StatementDecoder) end() error {
	d.done = true
	d.skipWS()
	if d.pos != len(d.data) {
		return fmt.Errorf("%w: trailing data after the JSON value (offset %d)", ErrMalformedJSON, d.pos)
	}
	return nil
}

func (d *StatementDecoder) endOrEOF() error {
	if err := d.end(); err != nil {
		return err
	}
	return io.EOF
}

func (d *StatementDecoder) fail(msg string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrMalformedJSON, msg, d.pos)
}

// notStatement reports a value that is not an object, named by its first
// byte (format has one %s for the JSON type), or a syntax error.
func (d *StatementDecoder) notStatement(c byte, format string) error {
	var t string
	switch {
	case c == '[':
		t = "an array"
	case c == '"':
		t = "a string"
	case c == 't' || c == 'f':
		t = "a boolean"
	case c == 'n':
		t = "null"
	case c == '-' || c >= '0' && c <= '9':
		t = "a number"
	default:
		return d.fail("invalid character " + strconv.QuoteRune(rune(c)) + " looking for beginning of value")
	}
	return fmt.Errorf("%w: "+format, ErrMalformedJSON, t)
}

func (d *StatementDecoder) skipWS() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// closingBracket returns the offset just past the bracket that closes the
// object or array opening at data[start], or len(data) when none does. It
// only follows the nesting of brackets outside strings: the decoder checks
// the rest.
func closingBracket(data []byte, start int) int {
	depth := 0
	for i := start; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(data)
}
