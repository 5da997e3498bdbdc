// Package query serves the xAPI read API: GET/HEAD /xapi/statements
// (Communication 2.1.3) and /xapi/about. Every read is confined to the tenant
// of the caller's credentials and capped at the consistency watermark that the
// X-Experience-API-Consistent-Through header announces.
package query

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/query/internal/svcdeps"
	"github.com/tributary-lrs/tributary/query/statements"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Watermark reports the consistency watermark (see xapihttp.Watermark).
type Watermark = xapihttp.Watermark

// Deps are what the query service needs; all are required but Log and Registry.
type Deps struct {
	Engine    store.Engine
	Database  string
	Auth      xapihttp.Authenticator
	Watermark Watermark
	// Local is what an all-in-one process knows without asking the store
	// (see Local). Nil in distributed mode.
	Local Local
	// CursorKeys sign the more cursors (statements.NewCursors): the same on
	// every query instance of an installation (see CursorKeys).
	CursorKeys [][]byte
	Options    Options
	Log        *slog.Logger
	// Registry receives the service's metrics; nil registers nothing.
	Registry prometheus.Registerer
}

// Options tune the read API.
type Options struct {
	// DefaultLimit statements make a page when the request names no
	// limit; MaxLimit is the most a page holds.
	DefaultLimit int
	MaxLimit     int
	// Timeout bounds a request's reads.
	Timeout time.Duration
	// WatermarkRefresh is how often the consistency watermark is re-read.
	WatermarkRefresh time.Duration
}

// Local is what the all-in-one process knows without asking the store,
// because every statement is written through it (processor/walqueue).
type Local interface {
	// Statement returns a statement the process has at hand (acknowledged
	// but not stored yet, or recently stored or read), its stored time and
	// the IFI key of its authority.
	Statement(tenant string, id uuid.UUID) (raw []byte, stored time.Time, authorityKey string, ok bool)
	// Voided reports whether a voiding statement, acknowledged or stored,
	// targets id; authoritative is false while the process does not know
	// every stored one yet (then the store is asked).
	Voided(tenant string, id uuid.UUID) (voided, authoritative bool)
	// Remember keeps a statement read from the store for the next reads.
	Remember(tenant string, id uuid.UUID, raw []byte, stored time.Time, authority []byte)
}

// Service is the read API.
type Service struct {
	d        Deps
	log      *slog.Logger
	params   statements.Parser
	wm       *xapihttp.WatermarkCache
	byID     *byIDReader
	duration *prometheus.HistogramVec
}

// retryAfter is what a 503 asks the client to wait.
const retryAfter = time.Second

// New checks d and builds the service.
func New(d Deps) (*Service, error) {
	errs := svcdeps.Missing("query", d.Engine, d.Database, d.Auth)
	if d.Watermark == nil {
		errs = append(errs, errors.New("query: Watermark is required"))
	}
	cursors, err := statements.NewCursors(d.CursorKeys)
	if err != nil {
		errs = append(errs, fmt.Errorf("query: CursorKeys: %w", err))
	}
	c := d.Options
	if c.MaxLimit < 1 || c.DefaultLimit < 1 || c.DefaultLimit > c.MaxLimit {
		errs = append(errs, errors.New("query: Options.DefaultLimit must be between 1 and Options.MaxLimit"))
	}
	if c.Timeout <= 0 || c.WatermarkRefresh <= 0 {
		errs = append(errs, errors.New("query: Options.Timeout and Options.WatermarkRefresh must be positive"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	log := svcdeps.Logger(d.Log)
	s := &Service{
		d: d, log: log,
		byID: &byIDReader{engine: d.Engine, db: d.Database, timeout: c.Timeout},
		params: statements.Parser{Limits: statements.Limits{Default: c.DefaultLimit, Max: c.MaxLimit},
			ParseAgent: xapi.ParseAgentParam, Cursors: cursors},
		// A read waits for the watermark read it triggers, like any query.
		wm: xapihttp.NewWatermarkCache(d.Watermark,
			xapihttp.WatermarkOptions{Refresh: c.WatermarkRefresh, Wait: c.Timeout, Timeout: c.Timeout}, log),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lrs_query_request_duration_seconds",
			Help:    "Duration of read API requests by route and HTTP status code.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10),
		}, []string{"route", "code"}),
	}
	if d.Registry != nil {
		if err := d.Registry.Register(s.duration); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Routes registers GET and HEAD on /xapi/statements and /xapi/about. Other
// methods on /xapi/statements belong to ingest.
func (s *Service) Routes(r *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	stmts := xapihttp.Negotiate(xapihttp.RequireAuth(s.d.Auth, xapihttp.ScopeStatementsRead,
		xapihttp.ScopeStatementsReadMine)(http.HandlerFunc(s.getStatements)))
	r.Handle(xapihttp.StatementsPath, s.instrument("statements", s.ConsistentThrough(stmts))).Methods(get...)
	r.Handle("/xapi/about", s.instrument("about", http.HandlerFunc(s.about))).Methods(get...)
	// Alternate request syntax (Communication 1.3) for GET: POST ?method=GET
	// with the parameters in a form body. Where ingest shares the router
	// (all-in-one) its own Alternate route, registered first, serves it.
	r.Handle(xapihttp.StatementsPath, s.ConsistentThrough(xapihttp.Alternate(r, maxAlternateBody))).
		Methods(http.MethodPost).Queries("method", "{method:(?i)get}")
}

// ConsistentThrough sets X-Experience-API-Consistent-Through on every
// response to a Statement resource request that next answers, and hands the
// watermark to the handler (xapihttp.ConsistentThrough). Routes applies it to
// its own routes; wrapping the whole router with it also covers the
// responses given before a route is reached (405, 429).
func (s *Service) ConsistentThrough(next http.Handler) http.Handler {
	return xapihttp.ConsistentThrough(s.wm)(next)
}

// maxAlternateBody bounds the form body of an alternate-syntax GET (it holds
// only query parameters).
const maxAlternateBody = 1 << 20

// about answers the About resource (Communication 2.8): no authentication and
// no version negotiation, but the version header is still set.
func (s *Service) about(w http.ResponseWriter, r *http.Request) {
	v, err := xapi.NegotiateVersion(r.Header.Get(xapihttp.HeaderVersion))
	if err != nil {
		v = xapihttp.VersionFrom(r.Context())
	}
	w.Header().Set(xapihttp.HeaderVersion, string(v))
	xapihttp.JSON(w, http.StatusOK, map[string]any{"version": xapi.AboutVersions(), "extensions": map[string]any{}})
}

// instrument records the duration by route and status, and drops the body of
// HEAD responses (the headers stay those of the GET).
func (s *Service) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, head: r.Method == http.MethodHead}
		next.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		s.duration.WithLabelValues(route, strconv.Itoa(sw.code)).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
	head bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	if w.head {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
