package chdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// reader decodes RowBinary values from a buffer.
type reader struct {
	buf []byte
	off int
}

var errShort = errors.New("unexpected end of RowBinary data")

func (r *reader) take(n int) ([]byte, error) {
	if n < 0 || len(r.buf)-r.off < n {
		return nil, errShort
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b, nil
}

func (r *reader) uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.buf[r.off:])
	if n <= 0 {
		return 0, errShort
	}
	r.off += n
	return v, nil
}

func (r *reader) str() (string, error) {
	n, err := r.uvarint()
	if err != nil {
		return "", err
	}
	if n > uint64(len(r.buf)-r.off) {
		return "", errShort
	}
	b, err := r.take(int(n))
	return string(b), err
}

// decoder reads one value of a column type into its natural Go type (see
// store.Assign).
type decoder func(r *reader) (any, error)

// decoderFor returns the decoder of a ClickHouse type name.
func decoderFor(t string) (decoder, error) {
	switch t {
	case "String":
		return func(r *reader) (any, error) { return r.str() }, nil
	case "Bool":
		return fixed(1, func(b []byte) any { return b[0] != 0 }), nil
	case "UInt8":
		return fixed(1, func(b []byte) any { return b[0] }), nil
	case "UInt16":
		return fixed(2, func(b []byte) any { return binary.LittleEndian.Uint16(b) }), nil
	case "UInt32":
		return fixed(4, func(b []byte) any { return binary.LittleEndian.Uint32(b) }), nil
	case "UInt64":
		return fixed(8, func(b []byte) any { return binary.LittleEndian.Uint64(b) }), nil
	case "Int8":
		return fixed(1, func(b []byte) any { return int8(b[0]) }), nil
	case "Int16":
		return fixed(2, func(b []byte) any { return int16(binary.LittleEndian.Uint16(b)) }), nil
	case "Int32":
		return fixed(4, func(b []byte) any { return int32(binary.LittleEndian.Uint32(b)) }), nil
	case "Int64":
		return fixed(8, func(b []byte) any { return int64(binary.LittleEndian.Uint64(b)) }), nil
	case "Float32":
		return fixed(4, func(b []byte) any { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }), nil
	case "Float64":
		return fixed(8, func(b []byte) any { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }), nil
	case "UUID":
		return fixed(16, decodeUUID), nil
	case "DateTime":
		return dateTime(), nil
	case "Date":
		return fixed(2, func(b []byte) any {
			return time.Unix(int64(binary.LittleEndian.Uint16(b))*86400, 0).UTC()
		}), nil
	case "Date32":
		return fixed(4, func(b []byte) any {
			return time.Unix(int64(int32(binary.LittleEndian.Uint32(b)))*86400, 0).UTC()
		}), nil
	}
	base, arg, ok := splitType(t)
	if !ok {
		return nil, fmt.Errorf("unsupported column type %q", t)
	}
	switch base {
	case "DateTime":
		return dateTime(), nil
	case "DateTime64":
		return dateTime64(arg)
	case "FixedString":
		n, err := strconv.Atoi(strings.TrimSpace(arg))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad column type %q", t)
		}
		return fixed(n, func(b []byte) any { return string(b) }), nil
	case "LowCardinality":
		return decoderFor(arg)
	case "Nullable":
		return nullable(arg)
	case "Array":
		return array(arg)
	}
	return nil, fmt.Errorf("unsupported column type %q", t)
}

// splitType splits "Base(arg)" into Base and arg.
func splitType(t string) (base, arg string, ok bool) {
	i := strings.IndexByte(t, '(')
	if i <= 0 || !strings.HasSuffix(t, ")") {
		return "", "", false
	}
	return t[:i], t[i+1 : len(t)-1], true
}

func fixed(n int, conv func([]byte) any) decoder {
	return func(r *reader) (any, error) {
		b, err := r.take(n)
		if err != nil {
			return nil, err
		}
		return conv(b), nil
	}
}

// decodeUUID reads ClickHouse's UUID layout: two little-endian 64-bit halves.
func decodeUUID(b []byte) any {
	var id uuid.UUID
	for i := 0; i < 8; i++ {
		id[i] = b[7-i]
		id[8+i] = b[15-i]
	}
	return id
}

// dateTime decodes DateTime[(tz)]: seconds since the epoch.
func dateTime() decoder {
	return fixed(4, func(b []byte) any {
		return time.Unix(int64(binary.LittleEndian.Uint32(b)), 0).UTC()
	})
}

// dateTime64 decodes DateTime64(P[, tz]): ticks of 10^-P seconds since the epoch.
func dateTime64(arg string) (decoder, error) {
	p, _, _ := strings.Cut(arg, ",")
	prec, err := strconv.Atoi(strings.TrimSpace(p))
	if err != nil || prec < 0 || prec > 9 {
		return nil, fmt.Errorf("bad DateTime64 precision in %q", arg)
	}
	scale := int64(math.Pow10(prec))
	nsPerTick := int64(math.Pow10(9 - prec))
	return fixed(8, func(b []byte) any {
		v := int64(binary.LittleEndian.Uint64(b))
		sec, frac := v/scale, v%scale
		if frac < 0 {
			sec, frac = sec-1, frac+scale
		}
		return time.Unix(sec, frac*nsPerTick).UTC()
	}), nil
}

func nullable(inner string) (decoder, error) {
	dec, err := decoderFor(inner)
	if err != nil {
		return nil, err
	}
	return func(r *reader) (any, error) {
		flag, err := r.take(1)
		if err != nil {
			return nil, err
		}
		if flag[0] != 0 {
			return nil, nil
		}
		return dec(r)
	}, nil
}

func array(inner string) (decoder, error) {
	dec, err := decoderFor(inner)
	if err != nil {
		return nil, err
	}
	elem := inner
	if b, a, ok := splitType(elem); ok && b == "LowCardinality" {
		elem = a
	}
	strs := elem == "String" || strings.HasPrefix(elem, "FixedString(")
	return func(r *reader) (any, error) {
		n, err := r.uvarint()
		if err != nil {
			return nil, err
		}
		if n > uint64(len(r.buf)-r.off) { // every element takes at least one byte
			return nil, errShort
		}
		if strs {
			out := make([]string, n)
			for i := range out {
				v, err := dec(r)
				if err != nil {
					return nil, err
				}
				out[i] = v.(string)
			}
			return out, nil
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = dec(r); err != nil {
				return nil, err
			}
		}
		return out, nil
	}, nil
}
