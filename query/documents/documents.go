// Package documents serves the xAPI Document resources (Communication 2.2):
// State (/xapi/activities/state), Activity Profile (/xapi/activities/profile)
// and Agent Profile (/xapi/agents/profile), under xAPI 1.0.3 and 2.0.0.
//
// Documents live in the ClickHouse table documents (migration 0006), one row
// per write, the highest version winning, tombstones for deletions. Every
// read and write is confined to the tenant of the caller's credentials.
//
// Writes are read-check-write (the ETag preconditions of Communication 3.1
// need the current document). Within one process they are serialized per
// document by a striped mutex, so two writers against the same ETag never
// both succeed. Across processes the guarantee holds when every write of a
// document reaches the same process (see LockRoutingKeys).
package documents

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"hash/maphash"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/query/internal/svcdeps"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// DefaultMaxBytes bounds a document when Deps.MaxBytes is zero.
const DefaultMaxBytes = 16 << 20

// Deps are what the service needs; Engine, Database and Auth are required.
type Deps struct {
	Engine   store.Engine
	Database string
	Auth     xapihttp.Authenticator
	// MaxBytes bounds a document (413 past it); 0 means DefaultMaxBytes.
	MaxBytes int64
	Log      *slog.Logger
}

// Service serves the three Document resources.
type Service struct {
	d     Deps
	log   *slog.Logger
	locks stripes
	now   func() time.Time
}

// New checks d and builds the service.
func New(d Deps) (*Service, error) {
	errs := svcdeps.Missing("documents", d.Engine, d.Database, d.Auth)
	if d.MaxBytes < 0 {
		errs = append(errs, errors.New("documents: MaxBytes must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if d.MaxBytes == 0 {
		d.MaxBytes = DefaultMaxBytes
	}
	s := &Service{d: d, log: svcdeps.Logger(d.Log), now: time.Now}
	s.locks.seed = maphash.MakeSeed()
	return s, nil
}

// Routes registers GET, HEAD, PUT, POST and DELETE on the three resources,
// and the Alternate Request Syntax (POST ?method=…, 1.0.x) on each.
func (s *Service) Routes(r *mux.Router) {
	alt := xapihttp.Alternate(r, 3*s.d.MaxBytes+1<<20) // form encoding at most triples the bytes
	for _, k := range kinds {
		// Reads are also granted by all/read (Communication 4.2:
		// "unrestricted read access"); writes need the resource's scope.
		read := xapihttp.Negotiate(xapihttp.RequireAuth(s.d.Auth, k.scope, xapihttp.ScopeAllRead)(s.handler(k)))
		write := xapihttp.Negotiate(xapihttp.RequireAuth(s.d.Auth, k.scope)(s.handler(k)))
		r.Handle(k.path, alt).Methods(http.MethodPost).Queries("method", "{method}")
		r.Handle(k.path, read).Methods(http.MethodGet, http.MethodHead)
		r.Handle(k.path, write).Methods(http.MethodPut, http.MethodPost, http.MethodDelete)
	}
}

func (s *Service) handler(k *kind) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := xapihttp.PrincipalFrom(r.Context())
		if !ok {
			xapihttp.Error(w, r, http.StatusUnauthorized, xapihttp.ErrUnauthorized)
			return
		}
		req, err := k.parse(r.Method, r.URL.Query())
		if err != nil {
			xapihttp.Error(w, r, http.StatusBadRequest, err)
			return
		}
		c := &call{s: s, k: k, w: w, r: r, req: req, tenant: p.Tenant}
		switch {
		case r.Method == http.MethodGet || r.Method == http.MethodHead:
			if req.hasID {
				c.getOne()
			} else {
				c.getList()
			}
		case r.Method == http.MethodPut:
			c.put()
		case r.Method == http.MethodPost:
			c.post()
		case r.Method == http.MethodDelete && req.hasID:
			c.deleteOne()
		case r.Method == http.MethodDelete:
			c.deleteAll()
		default:
			xapihttp.Error(w, r, http.StatusMethodNotAllowed, errors.New("method not allowed"))
		}
	})
}

// call is one request to a resource.
type call struct {
	s      *Service
	k      *kind
	w      http.ResponseWriter
	r      *http.Request
	req    request
	tenant string
}

func (c *call) key() docKey {
	return docKey{tenant: c.tenant, resource: c.k.resource, scope: c.k.scopeKey(c.req), id: c.req.id}
}

func (c *call) ctx() context.Context { return c.r.Context() }

func (c *call) fail(status int, err error) { xapihttp.Error(c.w, c.r, status, err) }

// storeError answers 503 with Retry-After for a failure that may pass, else 500.
func (c *call) storeError(err error) {
	if store.IsTransient(err) || errors.Is(err, context.DeadlineExceeded) {
		c.s.log.WarnContext(c.ctx(), "document store unavailable", "err", err)
		xapihttp.Unavailable(c.w, c.r, time.Second, err)
		return
	}
	c.s.log.ErrorContext(c.ctx(), "document store failed", "resource", c.k.resource, "err", err)
	c.fail(http.StatusInternalServerError, err)
}

// getOne answers a single document byte-exact with its Content-Type, ETag
// and Last-Modified (Communication 2.2, 3.1), or 404.
func (c *call) getOne() {
	d, err := c.s.latest(c.ctx(), c.key(), true)
	if err != nil {
		c.storeError(err)
		return
	}
	if !d.live() {
		c.fail(http.StatusNotFound, errors.New("no such document"))
		return
	}
	h := c.w.Header()
	h.Set("ETag", quote(d.etag))
	h.Set("Last-Modified", d.updated.UTC().Format(http.TimeFormat))
	if inm := c.r.Header.Get("If-None-Match"); inm != "" && matches(inm, d.etag) {
		c.w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", d.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(d.content)))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(d.content)
	}
}

// getList answers the ids of the live documents of the context, updated
// after since when given, with Last-Modified the newest update.
func (c *call) getList() {
	scope, prefix := c.k.scopeKey(c.req), false
	if c.k.state && !c.req.hasReg {
		scope, prefix = statePrefix(c.req), true // every registration
	}
	docs, err := c.s.list(c.ctx(), c.tenant, c.k.resource, scope, prefix, c.req.since)
	if err != nil {
		c.storeError(err)
		return
	}
	ids := make([]string, 0, len(docs))
	var newest time.Time
	for i, d := range docs {
		if i == 0 || d.id != docs[i-1].id {
			ids = append(ids, d.id)
		}
		if d.updated.After(newest) {
			newest = d.updated
		}
	}
	if !newest.IsZero() {
		c.w.Header().Set("Last-Modified", newest.UTC().Format(http.TimeFormat))
	}
	if c.r.Method == http.MethodHead {
		c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
		c.w.WriteHeader(http.StatusOK)
		return
	}
	xapihttp.JSON(c.w, http.StatusOK, ids)
}

// etag is the SHA-1 hex of content (Communication 3.1: MUST under 1.0.3).
func etag(content []byte) string {
	sum := sha1.Sum(content)
	return hex.EncodeToString(sum[:])
}

func quote(etag string) string { return `"` + etag + `"` }

// stripes is a fixed set of mutexes; a key always maps to the same one.
type stripes struct {
	seed maphash.Seed
	mu   [1024]sync.Mutex
}

func (s *stripes) lock(key string) func() {
	m := &s.mu[maphash.String(s.seed, key)%uint64(len(s.mu))]
	m.Lock()
	return m.Unlock
}
