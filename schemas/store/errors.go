package store

import (
	"errors"
	"fmt"
)

// ErrUnavailable marks a failure that may succeed when retried later: the
// engine is unreachable, timed out, or is shedding load.
var ErrUnavailable = errors.New("store unavailable")

// ErrNotWritten marks a write refused before any of it was written, and
// that nothing of can be written later: whoever waits on its outcome need
// not wait for a late arrival (the all-in-one write-ahead log decides each
// write before it appends it, and keeps what it appended).
var ErrNotWritten = errors.New("nothing written")

// ServerError is an error reported by ClickHouse about a query, with its code.
type ServerError struct {
	Code    int32
	Name    string
	Message string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("clickhouse error %d (%s): %s", e.Code, e.Name, e.Message)
}

// Is makes errors.Is(err, ErrUnavailable) true for codes that signal a
// temporary condition.
func (e *ServerError) Is(target error) bool {
	return target == ErrUnavailable && transientCodes[e.Code]
}

// ClickHouse error codes that signal a temporary condition.
var transientCodes = map[int32]bool{
	159: true, // TIMEOUT_EXCEEDED
	164: true, // READONLY
	202: true, // TOO_MANY_SIMULTANEOUS_QUERIES
	203: true, // NO_FREE_CONNECTION
	209: true, // SOCKET_TIMEOUT
	210: true, // NETWORK_ERROR
	241: true, // MEMORY_LIMIT_EXCEEDED
	242: true, // TABLE_IS_READ_ONLY
	252: true, // TOO_MANY_PARTS
	319: true, // UNKNOWN_STATUS_OF_INSERT
	425: true, // SYSTEM_ERROR
	999: true, // KEEPER_EXCEPTION
}

// IsTransient reports whether err may succeed when retried.
func IsTransient(err error) bool { return errors.Is(err, ErrUnavailable) }

// ServerCode returns the ClickHouse error code carried by err, or 0.
func ServerCode(err error) int32 {
	var se *ServerError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}
