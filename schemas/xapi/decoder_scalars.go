package xapi

import (
	"encoding/binary"
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

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
