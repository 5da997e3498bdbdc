package sink

import (
	"bytes"
	"strings"
)

// rawStrings finds strings of the facts in the statement's encoding without
// searching all of it: it indexes the JSON strings the encoding holds
// (those without escapes) by their content.
type rawStrings struct {
	raw   []byte
	spans []rawSpan
	head  [256]int32 // 1 + the last span of a bucket, 0 for none
	next  []int32    // 1 + the span before in the same bucket, 0 for none
}

// rawSpan is the content of one JSON string of raw (between its quotes).
type rawSpan struct{ off, n int32 }

func rawBucket[T string | []byte](s T) int {
	if len(s) == 0 {
		return 0
	}
	return (len(s)*131 + int(s[0])*7 + int(s[len(s)-1])) & 255
}

// reset indexes raw, a valid JSON encoding: outside strings it holds no
// quote, so the strings are what lies between the quotes, in pairs.
func (x *rawStrings) reset(raw []byte) {
	x.raw, x.spans, x.next = raw, x.spans[:0], x.next[:0]
	clear(x.head[:])
	start, escaped := -1, false
	for i := 0; i < len(raw); i++ {
		// Skip 8 bytes at a time while none is a quote or a backslash.
		for i+8 <= len(raw) {
			w := uint64(raw[i]) | uint64(raw[i+1])<<8 | uint64(raw[i+2])<<16 | uint64(raw[i+3])<<24 |
				uint64(raw[i+4])<<32 | uint64(raw[i+5])<<40 | uint64(raw[i+6])<<48 | uint64(raw[i+7])<<56
			if hasByte(w, '"') || hasByte(w, '\\') {
				break
			}
			i += 8
		}
		if i >= len(raw) {
			return
		}
		switch raw[i] {
		case '"':
			if start < 0 {
				start, escaped = i+1, false
				continue
			}
			if !escaped {
				x.add(start, i-start)
			}
			start = -1
		case '\\':
			if start >= 0 {
				escaped = true
				i++ // the escaped byte, a quote maybe
			}
		}
	}
}

// hasByte reports whether a byte of w is c (exact for any w).
func hasByte(w uint64, c byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x := w ^ (lo * uint64(c))
	return (x-lo)&^x&hi != 0
}

func (x *rawStrings) add(off, n int) {
	b := rawBucket(x.raw[off : off+n])
	x.spans = append(x.spans, rawSpan{int32(off), int32(n)})
	x.next = append(x.next, x.head[b])
	x.head[b] = int32(len(x.spans))
}

// find returns the offset of s in raw, or -1: s is the content of a JSON
// string of raw, or a fragment of raw that starts with one (a quoted string,
// or a key and its value). Other fragments are searched for.
func (x *rawStrings) find(s string) int {
	content, delta := s, 0
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return -1
		}
		content, delta = s[1:1+end], 1
	} else if strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{") {
		return bytes.Index(x.raw, []byte(s)) // rare: a whole array or object
	}
	for i := x.head[rawBucket(content)] - 1; i >= 0; i = x.next[i] - 1 {
		sp := x.spans[i]
		if int(sp.n) != len(content) || string(x.raw[sp.off:sp.off+sp.n]) != content {
			continue
		}
		if at := int(sp.off) - delta; at+len(s) <= len(x.raw) && string(x.raw[at:at+len(s)]) == s {
			return at
		}
	}
	return -1
}
