package xapihttp

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ErrTooLarge is answered with 413.
var ErrTooLarge = errors.New("request body exceeds the size limit")

// ReadBody reads the request body within limit bytes. On failure it writes
// the error response itself (413 past the limit, 400 otherwise) and returns
// ok=false.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	if r.ContentLength > limit {
		Error(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("%w (%d bytes)", ErrTooLarge, limit))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			Error(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("%w (%d bytes)", ErrTooLarge, limit))
			return nil, false
		}
		Error(w, r, http.StatusBadRequest, fmt.Errorf("read request body: %w", err))
		return nil, false
	}
	return body, true
}
