package xapihttp

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error    ErrorDetail    `json:"error"`
	Problems []xapi.Problem `json:"problems,omitempty"`
}

// ErrorDetail names the HTTP status and says what went wrong.
type ErrorDetail struct {
	Code    int    `json:"code"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// Error writes an xAPI error response. Validation problems are listed with
// their JSON paths. A 5xx never echoes internal details: they are logged to
// the logger of the request's context (WithLogger).
func Error(w http.ResponseWriter, r *http.Request, status int, err error) {
	body := ErrorBody{Error: ErrorDetail{Code: status, Status: http.StatusText(status), Message: err.Error()}}
	var ve *xapi.ValidationError
	if errors.As(err, &ve) {
		body.Problems = ve.Problems
	}
	if status >= 500 {
		loggerFrom(r.Context()).ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path,
			"status", status, "err", err)
		body.Error.Message = http.StatusText(status)
		if status == http.StatusServiceUnavailable {
			body.Error.Message = "the LRS cannot take this request right now; retry later"
		}
	}
	writeError(w, body)
}

func writeError(w http.ResponseWriter, body ErrorBody) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(body.Error.Code)
	_ = json.NewEncoder(w).Encode(body)
}

// Unavailable answers 503 with Retry-After (seconds, at least 1).
func Unavailable(w http.ResponseWriter, r *http.Request, retryAfter time.Duration, err error) {
	secs := int(retryAfter.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	Error(w, r, http.StatusServiceUnavailable, err)
}

// RetryLater answers status (429 or 503) with Retry-After: retryAfter in
// whole seconds, rounded up, at least 1, and the message of err. It is the
// LRS shedding load (too many attempts, no capacity now), expected under a
// flood, so unlike Error it logs nothing and err must be safe to show.
func RetryLater(w http.ResponseWriter, _ *http.Request, status int, retryAfter time.Duration, err error) {
	secs := int(math.Ceil(retryAfter.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeError(w, ErrorBody{Error: ErrorDetail{Code: status, Status: http.StatusText(status), Message: err.Error()}})
}

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
