// Package resources serves the xAPI Agents and Activities resources
// (Communication 2.4 and 2.5; xAPI 2.0 §4.1.6.3 and §4.1.6.4) from what the
// processor stored: agent_names (migration 0008) and
// activity_definition_parts (migration 0011).
package resources

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/query/internal/svcdeps"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// ReadScope is the scope both resources need. Communication 4 (scope table)
// has no scope of their own: what they return is derived from stored
// statements, so "statements/read" (and "all/read", "all", which include it)
// may read them; "statements/read/mine" may not, since another source's
// definitions and names would leak through them.
const ReadScope = "statements/read"

// maxAlternateBody bounds the form body of a tunnelled GET (Communication 1.3).
const maxAlternateBody = 1 << 20

// retryAfter is sent with 503 when the store is unavailable.
const retryAfter = time.Second

// Deps are what the resources need.
type Deps struct {
	Engine   store.Engine
	Database string
	Auth     xapihttp.Authenticator
	Log      *slog.Logger
}

// Service serves /xapi/agents and /xapi/activities.
type Service struct {
	d   Deps
	log *slog.Logger
}

// New checks d and returns the service.
func New(d Deps) (*Service, error) {
	if err := errors.Join(svcdeps.Missing("resources", d.Engine, d.Database, d.Auth)...); err != nil {
		return nil, err
	}
	return &Service{d: d, log: svcdeps.Logger(d.Log)}, nil
}

// Routes mounts GET and HEAD /xapi/agents and /xapi/activities on r, each
// negotiated (X-Experience-API-Version) and authenticated with ReadScope,
// plus their 1.0.x Alternate Request Syntax form (POST ?method=GET); any
// other method, POST without ?method=GET included, is the 405 of a router
// made by xapihttp.NewRouter.
func (s *Service) Routes(r *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	wrap := func(h http.HandlerFunc) http.Handler {
		return xapihttp.Negotiate(xapihttp.RequireAuth(s.d.Auth, ReadScope)(h))
	}
	r.Handle("/xapi/agents", wrap(s.getAgent)).Methods(get...)
	r.Handle("/xapi/activities", wrap(s.getActivity)).Methods(get...)
	for _, p := range []string{"/xapi/agents", "/xapi/activities"} {
		r.Handle(p, xapihttp.Alternate(r, maxAlternateBody)).
			Methods(http.MethodPost).Queries("method", "{method:(?i)get}")
	}
}

var errBadRequest = errors.New("bad request")

func badf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadRequest, fmt.Sprintf(format, args...))
}

// param returns the only value of the required parameter name and rejects
// any other parameter (names are case-sensitive) or a repeated one.
func param(r *http.Request, name string) (string, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", badf("malformed query string: %v", err)
	}
	for k, vs := range q {
		if k != name {
			return "", badf("unknown parameter %q (this resource takes only %s)", k, name)
		}
		if len(vs) != 1 {
			return "", badf("parameter %q given %d times", k, len(vs))
		}
	}
	vs, ok := q[name]
	if !ok || vs[0] == "" {
		return "", badf("parameter %q is required", name)
	}
	return vs[0], nil
}

// tenant returns the tenant the request is confined to.
func tenant(r *http.Request) (string, bool) {
	p, ok := xapihttp.PrincipalFrom(r.Context())
	if !ok || p == nil {
		return "", false
	}
	return p.Tenant, true
}

// fail answers err: 400 for a request error, 503 when the store is
// unavailable, 500 otherwise.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errBadRequest):
		xapihttp.Error(w, r, http.StatusBadRequest, err)
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		s.log.WarnContext(r.Context(), "store unavailable", "path", r.URL.Path, "err", err)
		xapihttp.Unavailable(w, r, retryAfter, err)
	default:
		xapihttp.Error(w, r, http.StatusInternalServerError, err)
	}
}

// respond writes v as JSON with a quoted ETag (SHA-1 of the body; both
// resources have concurrency controls, Communication 2.4/2.5 and 3.1) and,
// unless modified is zero, Last-Modified. A GET or HEAD whose If-None-Match
// names the ETag gets 304. HEAD gets the headers only (Communication 1.1).
func respond(w http.ResponseWriter, r *http.Request, v any, modified time.Time) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		xapihttp.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	sum := sha1.Sum(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if !modified.IsZero() {
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// etagMatches reports whether an If-None-Match list names etag (weak
// comparison, RFC 9110 13.1.2) or is "*".
func etagMatches(list, etag string) bool {
	for _, part := range splitComma(list) {
		if part == "*" || part == etag || part == "W/"+etag {
			return true
		}
	}
	return false
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			p := s[start:i]
			for len(p) > 0 && (p[0] == ' ' || p[0] == '\t') {
				p = p[1:]
			}
			for len(p) > 0 && (p[len(p)-1] == ' ' || p[len(p)-1] == '\t') {
				p = p[:len(p)-1]
			}
			if p != "" {
				out = append(out, p)
			}
			start = i + 1
		}
	}
	return out
}
