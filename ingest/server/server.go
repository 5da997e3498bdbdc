// Package server is the xAPI write API: PUT and POST /xapi/statements. It
// authenticates, validates (a client gets its 400 synchronously), assigns the
// LRS-set properties and publishes; it answers only after the publisher has
// made the statements durable.
package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Lookup tells which statement ids are already stored, with their content hash.
type Lookup interface {
	ContentHashes(ctx context.Context, keys []store.StatementKey) (map[store.StatementKey]string, error)
}

// StoreLookup reads the ids from the store.
type StoreLookup struct {
	Engine   store.Engine
	Database string
}

// ContentHashes implements Lookup.
func (l StoreLookup) ContentHashes(ctx context.Context, keys []store.StatementKey) (map[store.StatementKey]string, error) {
	return store.ContentHashes(ctx, l.Engine, l.Database, keys)
}

// Deps are what the server needs.
type Deps struct {
	Publisher publish.Publisher
	Tracker   *inflight.Tracker
	// Lookup finds ids already stored, to answer 409 or "no change" before
	// publishing. Nil when the publisher itself decides synchronously (the
	// all-in-one committer refuses a conflicting id with store.ErrConflict).
	Lookup Lookup
	// Attachments stores the data of multipart/mixed attachments before the
	// statements are published. Nil: a request carrying attachment data is
	// answered 500 (no attachment storage configured).
	Attachments AttachmentStore
	// Voiding finds stored voiding statements, to refuse voiding one
	// (Data 2.3.2). Nil: only the statements of the same request are checked.
	Voiding VoidingLookup
	// Watermark is the consistency watermark every response carries
	// (Communication 2.1.3), the same the read side caps lists at.
	Watermark xapihttp.Watermark
	Auth      xapihttp.Authenticator
	Options   Options
	Log       *slog.Logger
	Registry  prometheus.Registerer

	// Facts, when set, computes envelope.Envelope.Facts from each valid,
	// finalized statement and its encoding raw (the all-in-one sink's row
	// facts, handed over in process). Nil: envelopes carry none (Kafka).
	Facts func(st xapi.Statement, raw []byte, noDefine bool) []byte
}

// Options tune the write API.
type Options struct {
	// MaxBodyBytes bounds a request body (413 past it).
	MaxBodyBytes int64
	// PublishTimeout bounds a publish; a statement's stored time stops
	// holding the watermark back this long after a failed publish.
	PublishTimeout time.Duration
	// RetryAfter is the Retry-After of a 503.
	RetryAfter time.Duration
	// RecentIDs is how many recently published statement ids are remembered
	// to answer 409 or "no change" before the store has them.
	RecentIDs int
	// WatermarkRefresh is how often the watermark the responses carry is
	// re-read; a write waits at most this long for it.
	WatermarkRefresh time.Duration
}

// Server serves the write side of the Statement resource.
type Server struct {
	d         Deps
	recent    *recentIDs
	metrics   *metrics
	wm        *xapihttp.WatermarkCache
	authority atomic.Pointer[encodedAuthority]
}

// New returns a Server.
func New(d Deps) (*Server, error) {
	if d.Publisher == nil || d.Tracker == nil || d.Auth == nil || d.Attachments == nil || d.Watermark == nil ||
		d.Log == nil || d.Registry == nil {
		return nil, fmt.Errorf("ingest server: missing dependency")
	}
	if d.Options.WatermarkRefresh <= 0 {
		return nil, fmt.Errorf("ingest server: Options.WatermarkRefresh must be positive")
	}
	m, err := newMetrics(d.Registry)
	if err != nil {
		return nil, err
	}
	// A write waits at most one refresh interval for the watermark: a slow
	// store must not hold writes back (the last value only understates). A
	// read may take as long as a publish.
	wm := xapihttp.NewWatermarkCache(d.Watermark, xapihttp.WatermarkOptions{Refresh: d.Options.WatermarkRefresh,
		Wait: d.Options.WatermarkRefresh, Timeout: d.Options.PublishTimeout}, d.Log)
	return &Server{d: d, recent: newRecentIDs(d.Options.RecentIDs), metrics: m, wm: wm}, nil
}

// Routes registers PUT and POST /xapi/statements on r, and POST
// /xapi/statements?method= (Alternate Request Syntax), which r serves again
// as the request it stands for.
func (s *Server) Routes(r *mux.Router) {
	auth := xapihttp.RequireAuth(s.d.Auth, "statements/write")
	path := xapihttp.StatementsPath
	r.Handle(path, s.ConsistentThrough(xapihttp.Alternate(r, s.d.Options.MaxBodyBytes))).Methods(http.MethodPost).Queries("method", "{method}")
	r.Handle(path, s.ConsistentThrough(xapihttp.Negotiate(auth(http.HandlerFunc(s.put))))).Methods(http.MethodPut)
	r.Handle(path, s.ConsistentThrough(xapihttp.Negotiate(auth(http.HandlerFunc(s.post))))).Methods(http.MethodPost)
}

// ConsistentThrough sets X-Experience-API-Consistent-Through on every
// response to a Statement resource request that next answers
// (xapihttp.ConsistentThrough). Routes applies it to its own routes; wrapping
// the whole router with it also covers the responses given before a route is
// reached (405, 429).
func (s *Server) ConsistentThrough(next http.Handler) http.Handler {
	return xapihttp.ConsistentThrough(s.wm)(next)
}

// authorityJSON encodes the authority of p. The encoding of the last
// principal is kept: a principal is immutable and the same one serves a
// credential's requests until its cache entry expires, so the common case
// of one busy credential encodes it once.
func (s *Server) authorityJSON(p *xapihttp.Principal) (json.RawMessage, error) {
	if c := s.authority.Load(); c != nil && c.p == p {
		return c.json, nil
	}
	b, err := json.Marshal(p.Authority)
	if err != nil {
		return nil, fmt.Errorf("encode authority: %w", err)
	}
	s.authority.Store(&encodedAuthority{p: p, json: b})
	return b, nil
}

// encodedAuthority is the encoded authority of a principal.
type encodedAuthority struct {
	p    *xapihttp.Principal
	json json.RawMessage
}

func since(t time.Time) float64 { return time.Since(t).Seconds() }
