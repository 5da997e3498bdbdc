package auth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

// DefaultCacheTTL is how long a verified credential is trusted without
// reading the store again; a revocation takes effect within it.
const DefaultCacheTTL = 30 * time.Second

// defaultCacheSize bounds the entries of each cache.
const defaultCacheSize = 10000

// Authenticator authenticates HTTP Basic credentials: first the bootstrap
// credential (an xapihttp.Static from configuration), then the credentials
// of the Store.
//
// Caching and revocation: a successful verification of (key, secret) is
// cached for TTL, keyed by the key and the SHA-256 of the presented secret,
// so argon2id runs once per TTL per credential and secret; a failed one is
// cached the same way (a repeated wrong secret costs one argon2 per TTL), and
// the credential row read from the store (found or not) is cached for TTL
// too, so unknown keys do not reach the store on every request. A revocation (or a new credential) is therefore visible on every
// instance at most TTL after it was written, and at once on the instance
// whose Invalidate was called.
type Authenticator struct {
	// Bootstrap is the configured credential, checked first; nil for none.
	Bootstrap xapihttp.Authenticator
	Store     *Store
	// HomePage is the LRS URL, the homePage of the authority account.
	HomePage string
	// TTL of the caches (DefaultCacheTTL if zero).
	TTL time.Duration
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// Timeout bounds a store read (5 s if zero).
	Timeout time.Duration

	mu       sync.Mutex
	verified map[verifyKey]verifyEntry
	rows     map[string]rowEntry
}

type verifyKey struct {
	key    string
	secret [32]byte
}

type verifyEntry struct {
	p       *xapihttp.Principal // nil: the secret was wrong
	expires time.Time
}

type rowEntry struct {
	c       Credential
	found   bool
	expires time.Time
}

var _ xapihttp.Authenticator = (*Authenticator)(nil)

// NewAuthenticator returns an Authenticator on st with the bootstrap
// credential (nil for none) and the default TTL.
func NewAuthenticator(bootstrap xapihttp.Authenticator, st *Store, homePage string) *Authenticator {
	return &Authenticator{Bootstrap: bootstrap, Store: st, HomePage: homePage}
}

func (a *Authenticator) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Authenticator) ttl() time.Duration {
	if a.TTL > 0 {
		return a.TTL
	}
	return DefaultCacheTTL
}

// Authenticate implements xapihttp.Authenticator. A store failure is
// returned wrapping both xapihttp.ErrUnauthorized and the store error (e.g.
// store.ErrUnavailable), so a caller may answer 503 instead of 401.
func (a *Authenticator) Authenticate(r *http.Request) (*xapihttp.Principal, error) {
	if a.Bootstrap != nil {
		if p, err := a.Bootstrap.Authenticate(r); err == nil {
			return p, nil
		}
	}
	key, secret, ok := r.BasicAuth()
	if !ok || key == "" || a.Store == nil {
		return nil, xapihttp.ErrUnauthorized
	}
	return a.AuthenticateKey(r.Context(), key, secret)
}

// AuthenticateKey checks a key and secret against the store (through the caches).
func (a *Authenticator) AuthenticateKey(ctx context.Context, key, secret string) (*xapihttp.Principal, error) {
	now := a.now()
	vk := verifyKey{key: key, secret: sha256.Sum256([]byte(secret))}
	a.mu.Lock()
	if e, ok := a.verified[vk]; ok && now.Before(e.expires) {
		a.mu.Unlock()
		if e.p == nil {
			return nil, xapihttp.ErrUnauthorized
		}
		return e.p, nil
	}
	a.mu.Unlock()

	c, found, err := a.credential(ctx, key, now)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", xapihttp.ErrUnauthorized, err)
	}
	if !found || c.IsRevoked() {
		return nil, xapihttp.ErrUnauthorized
	}
	match, err := VerifySecret(secret, c.SecretHash)
	if err != nil {
		return nil, fmt.Errorf("%w: credential %s: %w", xapihttp.ErrUnauthorized, key, err)
	}
	var p *xapihttp.Principal
	if match {
		p = &xapihttp.Principal{Tenant: c.Tenant, Key: c.Key, Scopes: c.Scopes, Authority: Authority(a.HomePage, c.Key)}
	}
	a.mu.Lock()
	if a.verified == nil {
		a.verified = map[verifyKey]verifyEntry{}
	}
	prune(a.verified, now, func(e verifyEntry) time.Time { return e.expires })
	// An entry never outlives the row it was verified against.
	a.verified[vk] = verifyEntry{p: p, expires: a.rowExpiry(key, now)}
	a.mu.Unlock()
	if p == nil {
		return nil, xapihttp.ErrUnauthorized
	}
	return p, nil
}

// rowExpiry is the expiry of the cached row of key (mu held).
func (a *Authenticator) rowExpiry(key string, now time.Time) time.Time {
	if e, ok := a.rows[key]; ok {
		return e.expires
	}
	return now.Add(a.ttl())
}

func (a *Authenticator) credential(ctx context.Context, key string, now time.Time) (Credential, bool, error) {
	a.mu.Lock()
	if e, ok := a.rows[key]; ok && now.Before(e.expires) {
		a.mu.Unlock()
		return e.c, e.found, nil
	}
	a.mu.Unlock()
	timeout := a.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, found, err := a.Store.GetCredential(ctx, key)
	if err != nil {
		return Credential{}, false, err
	}
	a.mu.Lock()
	if a.rows == nil {
		a.rows = map[string]rowEntry{}
	}
	prune(a.rows, now, func(e rowEntry) time.Time { return e.expires })
	a.rows[key] = rowEntry{c: c, found: found, expires: now.Add(a.ttl())}
	a.mu.Unlock()
	return c, found, nil
}

// Invalidate drops everything cached about key (call it after revoking in
// the same process).
func (a *Authenticator) Invalidate(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.rows, key)
	for k := range a.verified {
		if k.key == key {
			delete(a.verified, k)
		}
	}
}

// prune keeps m within defaultCacheSize: when full it drops the expired
// entries, and if that is not enough, everything (bounded memory under a
// flood of distinct keys or guesses; the cost is re-verification).
func prune[K comparable, V any](m map[K]V, now time.Time, expires func(V) time.Time) {
	if len(m) < defaultCacheSize {
		return
	}
	for k, v := range m {
		if !now.Before(expires(v)) {
			delete(m, k)
		}
	}
	if len(m) >= defaultCacheSize {
		clear(m)
	}
}

// Authority is the statement authority of a credential (Communication 4.1,
// "No Application + Known User"; Data 2.4.9): an Agent identified by an
// account on the LRS, named by the credential key.
func Authority(homePage, key string) map[string]any {
	return map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": homePage, "name": key}}
}
