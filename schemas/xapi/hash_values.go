package xapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The canonical form of the values the content hash compares by meaning
// rather than by spelling: durations, timestamps and numbers.

// result writes the duration truncated to 0.01 s.
func (c *canonWriter) result(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.value(v)
		return
	}
	c.object(m, nil, "", func(k string, x any, _ bool) {
		if s, ok := x.(string); ok && k == "duration" {
			c.b = appendString(c.b, truncateDuration(s))
			return
		}
		c.value(x)
	})
}

// truncateDuration drops seconds digits beyond 0.01 s, never rounding
// ("PT1.2567S" → "PT1.25S"), and spells the fraction canonically ('.' as
// the separator, no trailing zeros: "PT1,20S" and "PT1.2S" compare equal);
// Data 4.6 and 9274.1.1 §4.2.7 exclude precision beyond 0.01 s from
// comparisons of durations and of statements holding them.
func truncateDuration(d string) string {
	if !strings.HasSuffix(d, "S") {
		return d
	}
	dot := strings.LastIndexAny(d, ".,")
	if dot < 0 {
		return d
	}
	frac := d[dot+1 : len(d)-1]
	if len(frac) > 2 {
		frac = frac[:2]
	}
	if frac = strings.TrimRight(frac, "0"); frac == "" {
		return d[:dot] + "S"
	}
	return d[:dot] + "." + frac + "S"
}

// timestamp writes a timestamp as its UTC instant to the millisecond.
func (c *canonWriter) timestamp(v any) {
	s, ok := v.(string)
	if !ok {
		c.value(v)
		return
	}
	t, ok := parseTimestamp(s, false)
	if !ok {
		if t, ok = parseTimestamp(s, true); !ok {
			c.b = appendString(c.b, s)
			return
		}
	}
	c.b = append(c.b, '"')
	c.b = t.UTC().Truncate(time.Millisecond).AppendFormat(c.b, "2006-01-02T15:04:05.000Z")
	c.b = append(c.b, '"')
}

// value writes any JSON value with numbers in canonical form.
func (c *canonWriter) value(v any) {
	switch t := v.(type) {
	case map[string]any:
		c.object(t, nil, "", func(_ string, x any, _ bool) { c.value(x) })
	case []any:
		c.b = append(c.b, '[')
		for i, x := range t {
			if i > 0 {
				c.b = append(c.b, ',')
			}
			c.value(x)
		}
		c.b = append(c.b, ']')
	case json.Number:
		c.b = appendCanonNumber(c.b, string(t))
	case float64:
		c.b = appendCanonNumber(c.b, strconv.FormatFloat(t, 'g', -1, 64))
	default:
		c.raw(v)
	}
}

// raw writes v as Marshal does, without canonical numbers.
func (c *canonWriter) raw(v any) {
	b, err := appendJSON(c.b, v)
	if err != nil {
		if c.err == nil {
			c.err = err
		}
		return
	}
	c.b = b
}

// appendCanonNumber appends the JSON number s rewritten exactly (no float
// rounding) as "[-]<digits>e<exp>" with no leading or trailing zeros in
// digits, or "0". Text that is not a number (from a statement built in code)
// is rewritten by the same steps.
func appendCanonNumber(b []byte, s string) []byte {
	orig := s
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var small [64]byte
	low := small[:0]
	if !isASCII(s) {
		low = append(low, strings.ToLower(s)...)
	} else {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			low = append(low, c)
		}
	}
	mant, expStr := low, []byte(nil)
	if i := bytes.IndexByte(low, 'e'); i >= 0 {
		mant, expStr = low[:i], low[i+1:]
	}
	exp := 0
	if expStr != nil {
		e, err := strconv.Atoi(string(bytes.TrimPrefix(expStr, []byte("+"))))
		if err != nil {
			return append(b, orig...)
		}
		exp = e
	}
	// digits: the integer part and the fraction, without the '.'
	digits := mant
	if dot := bytes.IndexByte(mant, '.'); dot >= 0 {
		exp -= len(mant) - dot - 1
		copy(mant[dot:], mant[dot+1:]) // low is ours: shift in place
		digits = mant[:len(mant)-1]
	}
	digits = bytes.TrimLeft(digits, "0")
	trimmed := bytes.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	if len(trimmed) == 0 {
		return append(b, '0')
	}
	if neg {
		b = append(b, '-')
	}
	b = append(b, trimmed...)
	b = append(b, 'e')
	return strconv.AppendInt(b, int64(exp), 10)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
