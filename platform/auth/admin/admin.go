// Package admin is the management surface of tenants and credentials: an
// HTTP admin API guarded by its own credential (auth.admin.key/secret), and
// the CLI commands `tributary credentials ...` and `tributary tenants ...`.
// Secrets are returned once, by the create call, and never listed.
package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tributary-lrs/tributary/platform/auth"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Options configure the admin API.
type Options struct {
	Store *auth.Store
	// Key and Secret are the admin credential (HTTP Basic). With an empty Key
	// the API is disabled and answers 403 to everything.
	Key, Secret string
	// Invalidate, if set, is called with the key of a revoked credential so
	// the authenticator of this process forgets it at once (e.g.
	// (*auth.Authenticator).Invalidate); other processes see it within their
	// cache TTL.
	Invalidate func(key string)
	// SignIns, if set, limits failed sign-ins of the admin credential (per
	// key and client address, 429 past them), e.g. the *auth.Authenticator
	// of the process.
	SignIns SignIns
}

// SignIns limits failed sign-ins: SignIn refuses one unchecked with an
// error, or returns done to report its outcome.
type SignIns interface {
	SignIn(r *http.Request, key string) (done func(ok bool), err error)
}

// ErrDisabled answers every admin request when no admin credential is configured.
var ErrDisabled = errors.New("the admin API is disabled (set auth.admin.key and auth.admin.secret)")

// ErrNotAdmin answers requests without the admin credential.
var ErrNotAdmin = errors.New("the admin API needs the admin credential")

const maxBody = 64 << 10

// Handler serves the admin API under /admin/:
//
//	POST /admin/tenants                      {"name"}                  → 201 tenant
//	GET  /admin/tenants                                                → 200 {"tenants": [...]}
//	POST /admin/credentials                  {"tenant","scopes","name"} → 201 credential with "secret"
//	GET  /admin/credentials[?tenant=T]                                 → 200 {"credentials": [...]}
//	POST /admin/credentials/{key}/revoke                               → 200 credential
func Handler(o Options) http.Handler {
	h := &handler{o: o}
	if o.Key != "" {
		h.admin = xapihttp.NewStatic(o.Key, o.Secret, "", "")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/tenants", h.createTenant)
	mux.HandleFunc("GET /admin/tenants", h.listTenants)
	mux.HandleFunc("POST /admin/credentials", h.createCredential)
	mux.HandleFunc("GET /admin/credentials", h.listCredentials)
	mux.HandleFunc("POST /admin/credentials/{key}/revoke", h.revoke)
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		xapihttp.Error(w, r, http.StatusNotFound, errors.New("no such admin resource"))
	})
	return h.guard(mux)
}

type handler struct {
	o     Options
	admin *xapihttp.Static
}

// guard checks the admin credential before anything else: 403 when the API
// is disabled, 429 with Retry-After past the failed sign-in limits of
// SignIns, 401 with a challenge for any other credential.
func (h *handler) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if h.admin == nil {
			xapihttp.Error(w, r, http.StatusForbidden, ErrDisabled)
			return
		}
		done := func(bool) {}
		if h.o.SignIns != nil {
			key, _, _ := r.BasicAuth()
			var err error
			if done, err = h.o.SignIns.SignIn(r, key); err != nil {
				var later *xapihttp.RetryLaterError
				if errors.As(err, &later) {
					xapihttp.RetryLater(w, r, later.Status, later.RetryAfter, later.Err)
					return
				}
				xapihttp.Error(w, r, http.StatusUnauthorized, ErrNotAdmin)
				return
			}
		}
		_, err := h.admin.Authenticate(r)
		done(err == nil)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Basic realm="tributary admin", charset="UTF-8"`)
			xapihttp.Error(w, r, http.StatusUnauthorized, ErrNotAdmin)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		xapihttp.BodyError(w, r, fmt.Errorf("invalid JSON body: %w", err), maxBody)
		return false
	}
	return true
}

// fail maps a store error to its status.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, auth.ErrInvalidScope), errors.Is(err, auth.ErrInvalidTenant),
		errors.Is(err, auth.ErrInvalidRequest), errors.Is(err, auth.ErrUnknownTenant):
		xapihttp.Error(w, r, http.StatusBadRequest, err)
	case errors.Is(err, auth.ErrTenantExists):
		xapihttp.Error(w, r, http.StatusConflict, err)
	case errors.Is(err, auth.ErrNotFound):
		xapihttp.Error(w, r, http.StatusNotFound, err)
	case errors.Is(err, store.ErrUnavailable):
		xapihttp.Unavailable(w, r, 0, err)
	default:
		xapihttp.Error(w, r, http.StatusInternalServerError, err)
	}
}

func (h *handler) createTenant(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if !decode(w, r, &req) {
		return
	}
	t, err := h.o.Store.CreateTenant(r.Context(), req.Name)
	if err != nil {
		fail(w, r, err)
		return
	}
	xapihttp.JSON(w, http.StatusCreated, t)
}

func (h *handler) listTenants(w http.ResponseWriter, r *http.Request) {
	ts, err := h.o.Store.ListTenants(r.Context())
	if err != nil {
		fail(w, r, err)
		return
	}
	xapihttp.JSON(w, http.StatusOK, map[string]any{"tenants": ts})
}

// Scopes accepts a JSON array or a comma-separated string.
type Scopes []string

// UnmarshalJSON implements json.Unmarshaler.
func (s *Scopes) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = strings.Split(one, ",")
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("scopes: want an array of strings or a comma-separated string")
	}
	*s = many
	return nil
}

// Created is the answer to a credential creation: the only time the secret
// is shown.
type Created struct {
	auth.Credential
	Secret string `json:"secret"`
}

func (h *handler) createCredential(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Tenant string `json:"tenant"`
		Scopes Scopes `json:"scopes"`
		Name   string `json:"name"`
	}
	if !decode(w, r, &req) {
		return
	}
	c, secret, err := h.o.Store.CreateCredential(r.Context(), auth.NewCredential{Tenant: req.Tenant, Scopes: req.Scopes, Name: req.Name})
	if err != nil {
		fail(w, r, err)
		return
	}
	xapihttp.JSON(w, http.StatusCreated, Created{Credential: c, Secret: secret})
}

func (h *handler) listCredentials(w http.ResponseWriter, r *http.Request) {
	cs, err := h.o.Store.ListCredentials(r.Context(), r.URL.Query().Get("tenant"))
	if err != nil {
		fail(w, r, err)
		return
	}
	xapihttp.JSON(w, http.StatusOK, map[string]any{"credentials": cs})
}

func (h *handler) revoke(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	c, err := h.o.Store.Revoke(r.Context(), key)
	if err != nil {
		fail(w, r, err)
		return
	}
	if h.o.Invalidate != nil {
		h.o.Invalidate(key)
	}
	xapihttp.JSON(w, http.StatusOK, c)
}
