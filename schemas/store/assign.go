package store

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Assign stores one column value into a Scan destination, applying the
// conversions documented on Rows. Engines decode a value into its natural Go
// type first and call Assign, so both engines convert alike:
//
//	String, LowCardinality(String), FixedString(N)   string
//	UInt8 … UInt64, Int8 … Int64                      uint8 … uint64, int8 … int64
//	Bool                                             bool
//	DateTime, DateTime64                             time.Time
//	UUID                                             uuid.UUID
//	Array(String), Array(LowCardinality(String))     []string
//	NULL                                             nil
func Assign(dest, src any) error {
	if src == nil {
		return fmt.Errorf("cannot scan NULL into %T", dest)
	}
	switch d := dest.(type) {
	case *string:
		switch s := src.(type) {
		case string:
			*d = s
			return nil
		case uuid.UUID:
			*d = s.String()
			return nil
		}
	case *[]byte:
		if s, ok := src.(string); ok {
			*d = []byte(s)
			return nil
		}
	case *uint8:
		if v, ok := unsignedOf(src, 8); ok {
			*d = uint8(v)
			return nil
		}
	case *uint16:
		if v, ok := unsignedOf(src, 16); ok {
			*d = uint16(v)
			return nil
		}
	case *uint32:
		if v, ok := unsignedOf(src, 32); ok {
			*d = uint32(v)
			return nil
		}
	case *uint64:
		if v, ok := unsignedOf(src, 64); ok {
			*d = v
			return nil
		}
	case *int64:
		if v, ok := signedOf(src); ok {
			*d = v
			return nil
		}
	case *bool:
		switch s := src.(type) {
		case bool:
			*d = s
			return nil
		case uint8:
			*d = s != 0
			return nil
		}
	case *time.Time:
		if s, ok := src.(time.Time); ok {
			*d = s.UTC()
			return nil
		}
	case *uuid.UUID:
		if s, ok := src.(uuid.UUID); ok {
			*d = s
			return nil
		}
	case *[]string:
		if s, ok := src.([]string); ok {
			*d = s
			return nil
		}
	}
	return fmt.Errorf("cannot scan %T into %T", src, dest)
}

// unsignedOf returns src when it is an unsigned integer of at most bits bits.
func unsignedOf(src any, bits int) (uint64, bool) {
	switch s := src.(type) {
	case uint8:
		return uint64(s), true
	case uint16:
		return uint64(s), bits >= 16
	case uint32:
		return uint64(s), bits >= 32
	case uint64:
		return s, bits >= 64
	}
	return 0, false
}

// signedOf returns src when it fits an int64: any signed integer, or an
// unsigned one narrower than 64 bits.
func signedOf(src any) (int64, bool) {
	switch s := src.(type) {
	case int8:
		return int64(s), true
	case int16:
		return int64(s), true
	case int32:
		return int64(s), true
	case int64:
		return s, true
	case uint8:
		return int64(s), true
	case uint16:
		return int64(s), true
	case uint32:
		return int64(s), true
	}
	return 0, false
}
