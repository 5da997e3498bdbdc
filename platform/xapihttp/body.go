package xapihttp

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
)

// ErrTooLarge is answered with 413.
var ErrTooLarge = errors.New("request body exceeds the size limit")

// ReadBody reads the request body within limit bytes. On failure it writes
// the error response itself (see BodyError) and returns ok=false.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	if r.ContentLength > limit {
		Error(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("%w (%d bytes)", ErrTooLarge, limit))
		return nil, false
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 { // one allocation of the announced size, not a growing copy
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		BodyError(w, r, fmt.Errorf("read request body: %w", err), limit)
		return nil, false
	}
	return buf.Bytes(), true
}

// BodyError answers a failure to read or decode a request body: 413 past
// limit bytes, 408 when the body did not arrive in time, 503 with
// Retry-After when the process had no room for it (see GuardBodies), and
// 400 for anything else.
func BodyError(w http.ResponseWriter, r *http.Request, err error, limit int64) {
	var tooLarge *http.MaxBytesError
	var busy *busyError
	switch {
	case errors.As(err, &tooLarge):
		Error(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("%w (%d bytes)", ErrTooLarge, limit))
	case errors.Is(err, ErrBodyTimeout):
		Error(w, r, http.StatusRequestTimeout, err)
	case errors.As(err, &busy):
		Unavailable(w, r, busy.wait, err)
	default:
		Error(w, r, http.StatusBadRequest, err)
	}
}
