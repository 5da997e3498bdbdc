package xapihttp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"time"
)

// ErrUnauthorized means the request carries no valid credentials (401).
var ErrUnauthorized = errors.New("missing or invalid credentials")

// ErrForbidden means the credentials lack the permission the request needs (403).
var ErrForbidden = errors.New("the credentials do not allow this request")

// RetryLaterError refuses credentials without checking them, for a while: 429
// when the caller made too many failed attempts, 503 when the LRS has no
// capacity to check them now. It wraps ErrUnauthorized (the Authenticator
// contract) and Err, whose text is the message of the answer.
type RetryLaterError struct {
	Status     int
	RetryAfter time.Duration
	Err        error
}

func (e *RetryLaterError) Error() string { return e.Err.Error() }

// Unwrap returns Err and ErrUnauthorized.
func (e *RetryLaterError) Unwrap() []error { return []error{e.Err, ErrUnauthorized} }

// Principal is an authenticated caller.
type Principal struct {
	// Tenant is the store every read and write of this caller is confined to.
	Tenant string
	// Key identifies the credential.
	Key string
	// Scopes are the xAPI scopes granted (e.g. "all").
	Scopes []string
	// Authority is the Agent the LRS records as the statement authority.
	Authority map[string]any
}

// Scopes of Communication 4.2.
const (
	ScopeStatementsWrite    = "statements/write"
	ScopeStatementsRead     = "statements/read"
	ScopeStatementsReadMine = "statements/read/mine"
	ScopeAllRead            = "all/read"
	ScopeAll                = "all"
	ScopeState              = "state"
	ScopeProfile            = "profile"
	ScopeDefine             = "define"
)

// Can reports whether the principal holds scope or a scope that includes it
// (Communication 4.2): all includes everything; all/read every read,
// statements/read/mine included; statements/read includes
// statements/read/mine.
func (p *Principal) Can(scope string) bool {
	for _, s := range p.Scopes {
		switch {
		case s == scope, s == ScopeAll:
			return true
		case s == ScopeAllRead && (scope == ScopeStatementsRead || scope == ScopeStatementsReadMine):
			return true
		case s == ScopeStatementsRead && scope == ScopeStatementsReadMine:
			return true
		}
	}
	return false
}

// CanAny reports whether the principal can do one of scopes.
func (p *Principal) CanAny(scopes ...string) bool {
	for _, s := range scopes {
		if p.Can(s) {
			return true
		}
	}
	return false
}

// Authenticator checks a request's credentials.
type Authenticator interface {
	// Authenticate returns the principal, or an error wrapping ErrUnauthorized.
	Authenticate(r *http.Request) (*Principal, error)
}

type principalKey struct{}

type outcomeKey struct{}

// outcome is the result of authenticating a request with a given
// Authorization header.
type outcome struct {
	authorization string
	p             *Principal
	err           error
}

// AuthenticateOnce authenticates r with a, or returns the outcome an earlier
// AuthenticateOnce of the same request already had with the same
// Authorization header (an alternate-syntax request carries it in its form:
// a new header is authenticated anew). The returned request carries the
// outcome, so a middleware that authenticates early (the per-credential rate
// limit) and RequireAuth behind it verify a secret once and count one failed
// attempt, not two. Every caller on one request must pass the same a.
func AuthenticateOnce(a Authenticator, r *http.Request) (*http.Request, *Principal, error) {
	authz := r.Header.Get("Authorization")
	if o, ok := r.Context().Value(outcomeKey{}).(*outcome); ok && o.authorization == authz {
		return r, o.p, o.err
	}
	p, err := a.Authenticate(r)
	o := &outcome{authorization: authz, p: p, err: err}
	return r.WithContext(context.WithValue(r.Context(), outcomeKey{}, o)), p, err
}

// PrincipalFrom returns the authenticated principal of the request.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p (for tests and in-process callers).
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// RequireAuth answers 401 (with a Basic challenge) unless the request
// authenticates, 429 or 503 with Retry-After when the credentials were not
// checked (a RetryLaterError), and 403 unless the principal holds one of
// scopes.
func RequireAuth(a Authenticator, scopes ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, p, err := AuthenticateOnce(a, r)
			var later *RetryLaterError
			if errors.As(err, &later) {
				RetryLater(w, r, later.Status, later.RetryAfter, later.Err)
				return
			}
			if err != nil {
				w.Header().Set("WWW-Authenticate", `Basic realm="xAPI", charset="UTF-8"`)
				Error(w, r, http.StatusUnauthorized, ErrUnauthorized)
				return
			}
			if !p.CanAny(scopes...) {
				Error(w, r, http.StatusForbidden, ErrForbidden)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

// Static authenticates HTTP Basic credentials against a fixed set: the
// bootstrap credential from configuration.
type Static struct {
	creds map[string]staticCred
}

type staticCred struct {
	secretHash [32]byte
	principal  *Principal
}

// NewStatic returns an authenticator with one credential holding every
// permission on tenant. homePage is the LRS's own URL, used in the authority
// account as Data 2.4.9 suggests.
func NewStatic(key, secret, tenant, homePage string) *Static {
	s := &Static{creds: map[string]staticCred{}}
	s.creds[key] = staticCred{
		secretHash: sha256.Sum256([]byte(secret)),
		principal: &Principal{Tenant: tenant, Key: key, Scopes: []string{"all"},
			Authority: map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": homePage, "name": key}}},
	}
	return s
}

// Authenticate implements Authenticator with a constant-time secret comparison.
func (s *Static) Authenticate(r *http.Request) (*Principal, error) {
	key, secret, ok := r.BasicAuth()
	if !ok {
		return nil, ErrUnauthorized
	}
	c, found := s.creds[key]
	h := sha256.Sum256([]byte(secret))
	if !found || subtle.ConstantTimeCompare(h[:], c.secretHash[:]) != 1 {
		return nil, ErrUnauthorized
	}
	return c.principal, nil
}
