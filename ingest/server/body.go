package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

// errTooLarge is answered with 413.
var errTooLarge = errors.New("request body exceeds the size limit")

// readJSONBody checks the content type and reads the body within the limit.
// It writes the error response itself and returns ok=false on failure.
func (s *Server) readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		msg := fmt.Errorf("%w %q: statements must be sent as application/json", xapihttp.ErrUnsupportedMediaType, ct)
		if mt == "multipart/mixed" {
			msg = fmt.Errorf("%w: multipart/mixed (statements with attachments) is not supported yet", xapihttp.ErrUnsupportedMediaType)
		}
		xapihttp.Error(w, r, http.StatusBadRequest, msg)
		return nil, false
	}
	limit := s.d.Config.MaxBodyBytes
	if r.ContentLength > limit {
		xapihttp.Error(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("%w (%d bytes)", errTooLarge, limit))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			xapihttp.Error(w, r, http.StatusRequestEntityTooLarge, fmt.Errorf("%w (%d bytes)", errTooLarge, limit))
			return nil, false
		}
		xapihttp.Error(w, r, http.StatusBadRequest, fmt.Errorf("read request body: %w", err))
		return nil, false
	}
	return body, true
}
