package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"runtime"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/semaphore"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// Defaults of Options.
const (
	// DefaultCacheTTL is how long a verified credential is trusted without
	// reading the store again; a revocation takes effect within it.
	DefaultCacheTTL = 30 * time.Second
	// DefaultCacheSize bounds the verified credentials kept.
	DefaultCacheSize = 10000
	// DefaultHashWait is how long a verification waits for a hashing slot.
	DefaultHashWait = 2 * time.Second
	// DefaultTracked bounds the keys and the addresses whose failed sign-ins
	// are counted.
	DefaultTracked = 10000
)

// ErrBusy refuses a sign-in (503) when every hashing slot stayed taken for
// Options.HashWait.
var ErrBusy = errors.New("too many credentials being checked at once; retry later")

// Options tune an Authenticator. Zero durations and sizes take the defaults;
// a FailureLimit with a zero Rate is off.
type Options struct {
	// TTL is how long a successful verification is trusted.
	TTL time.Duration
	// CacheSize bounds the successful verifications kept (LRU).
	CacheSize int
	// HashConcurrency bounds the verifications (store read and argon2id)
	// running at once (GOMAXPROCS if zero); one waits at most HashWait for
	// its turn, else the answer is 503.
	HashConcurrency int
	HashWait        time.Duration
	// PerKey and PerAddress limit failed sign-ins per credential key and per
	// client address (429 past them); Tracked bounds the buckets of each.
	PerKey, PerAddress FailureLimit
	Tracked            int
	// TrustedProxies are the proxies whose X-Forwarded-For names the client
	// (see ClientAddress).
	TrustedProxies []netip.Prefix
	// StoreTimeout bounds a store read (5 s if zero).
	StoreTimeout time.Duration
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// DefaultOptions are the options of an Authenticator configured with the
// defaults of config.Default.
func DefaultOptions() Options {
	return Options{TTL: DefaultCacheTTL, CacheSize: DefaultCacheSize, HashWait: DefaultHashWait,
		PerKey: FailureLimit{Rate: 0.1, Burst: 10}, PerAddress: FailureLimit{Rate: 0.5, Burst: 30},
		Tracked: DefaultTracked}
}

// Authenticator authenticates HTTP Basic credentials: first the bootstrap
// credential (an xapihttp.Static from configuration), then the credentials
// of the Store.
//
// A successful verification of (key, secret) is cached for TTL, keyed by the
// key and the SHA-256 of the presented secret, so argon2id runs once per TTL
// per credential and secret; a revocation (or a new credential) is visible
// on every instance at most TTL after it was written, and at once on the
// instance whose Invalidate was called. Only successes are cached, in an LRU
// of CacheSize entries: wrong guesses never evict a valid credential.
//
// A sign-in the cache cannot answer is refused unchecked (429 with
// Retry-After) while the failed sign-in bucket of its key or of its client
// address is empty; otherwise it waits for one of HashConcurrency slots (503
// after HashWait), reads the credential and runs argon2id, and a failure
// takes a token from both buckets. An unknown key is checked against a dummy
// hash with the store's parameters, so it costs the same time and memory as
// a known one.
type Authenticator struct {
	// Bootstrap is the configured credential, checked first; nil for none.
	Bootstrap xapihttp.Authenticator
	Store     *Store
	// HomePage is the LRS URL, the homePage of the authority account.
	HomePage string

	o        Options
	verified *lru.Cache[verifyKey, verifyEntry]
	keys     *attempts
	addrs    *attempts
	clients  ClientAddress
	hashing  *semaphore.Weighted
	dummy    func() (string, error)
}

type verifyKey struct {
	key    string
	secret [32]byte
}

type verifyEntry struct {
	p       *xapihttp.Principal
	expires time.Time
}

var _ xapihttp.Authenticator = (*Authenticator)(nil)

// NewAuthenticator returns an Authenticator on st with the bootstrap
// credential (nil for none).
func NewAuthenticator(bootstrap xapihttp.Authenticator, st *Store, homePage string, o Options) *Authenticator {
	if o.TTL <= 0 {
		o.TTL = DefaultCacheTTL
	}
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.HashConcurrency <= 0 {
		o.HashConcurrency = runtime.GOMAXPROCS(0)
	}
	if o.HashWait <= 0 {
		o.HashWait = DefaultHashWait
	}
	if o.Tracked <= 0 {
		o.Tracked = DefaultTracked
	}
	if o.StoreTimeout <= 0 {
		o.StoreTimeout = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	verified, _ := lru.New[verifyKey, verifyEntry](o.CacheSize) // fails only for a size below 1
	a := &Authenticator{Bootstrap: bootstrap, Store: st, HomePage: homePage, o: o, verified: verified,
		keys: newAttempts(o.PerKey, o.Tracked), addrs: newAttempts(o.PerAddress, o.Tracked),
		clients: ClientAddress{TrustedProxies: o.TrustedProxies},
		hashing: semaphore.NewWeighted(int64(o.HashConcurrency))}
	a.dummy = sync.OnceValues(func() (string, error) {
		secret, err := NewSecret()
		if err != nil {
			return "", err
		}
		p := DefaultHashParams
		if st != nil {
			p = st.params()
		}
		return HashSecret(secret, p)
	})
	return a
}

// Authenticate implements xapihttp.Authenticator. A store failure is
// returned wrapping both xapihttp.ErrUnauthorized and the store error (e.g.
// store.ErrUnavailable), so a caller may answer 503 instead of 401; a
// sign-in refused unchecked is an *xapihttp.RetryLaterError (429 or 503).
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
	return a.authenticateKey(r.Context(), key, secret, a.clients.Of(r))
}

// authenticateKey checks a key and secret presented by client.
func (a *Authenticator) authenticateKey(ctx context.Context, key, secret, client string) (*xapihttp.Principal, error) {
	now := a.o.Now()
	vk := verifyKey{key: key, secret: sha256.Sum256([]byte(secret))}
	if e, ok := a.verified.Get(vk); ok {
		if now.Before(e.expires) {
			return e.p, nil
		}
		a.verified.Remove(vk)
	}
	if err := a.allowed(key, client, now); err != nil {
		return nil, err
	}
	p, err := a.check(ctx, key, secret, client)
	switch {
	case err != nil: // not checked: the caller did not fail
		return nil, err
	case p == nil:
		a.failed(key, client, a.o.Now()) // the hash took a while: charge at the time of the failure
		return nil, xapihttp.ErrUnauthorized
	}
	a.verified.Add(vk, verifyEntry{p: p, expires: now.Add(a.o.TTL)})
	return p, nil
}

// allowed returns the 429 that refuses a sign-in of key from client
// unchecked, or nil.
func (a *Authenticator) allowed(key, client string, now time.Time) error {
	wait, ok := a.keys.allowed(key, now)
	if w, okAddr := a.addrs.allowed(client, now); !okAddr {
		wait, ok = max(wait, w), false
	}
	if !ok {
		return tooManyFailures(wait)
	}
	return nil
}

// failed charges a failed sign-in to key and to client.
func (a *Authenticator) failed(key, client string, now time.Time) {
	a.keys.failed(key, now)
	a.addrs.failed(client, now)
}

// SignIn puts a sign-in that another check decides (the admin API's
// credential) under the same failed sign-in limits, counted for
// "admin:"+key and the client of r: it returns the *xapihttp.RetryLaterError
// (429) that refuses the sign-in unchecked, or done, to be called with the
// outcome of the check (a failure is charged).
func (a *Authenticator) SignIn(r *http.Request, key string) (done func(ok bool), err error) {
	key, client, now := "admin:"+key, a.clients.Of(r), a.o.Now()
	if err := a.allowed(key, client, now); err != nil {
		return nil, err
	}
	return func(ok bool) {
		if !ok {
			a.failed(key, client, a.o.Now())
		}
	}, nil
}

func tooManyFailures(wait time.Duration) error {
	return &xapihttp.RetryLaterError{Status: http.StatusTooManyRequests, RetryAfter: wait, Err: ErrTooManyFailures}
}

// check verifies secret against the stored credential key within a hashing
// slot: the principal if it matches, nil if it does not (or the key is
// unknown or revoked), an error if it could not be checked. The failed
// sign-in limits are checked again once the slot is had, so guesses queued
// behind others that failed are not checked.
func (a *Authenticator) check(ctx context.Context, key, secret, client string) (*xapihttp.Principal, error) {
	wait, cancel := context.WithTimeout(ctx, a.o.HashWait)
	err := a.hashing.Acquire(wait, 1)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", xapihttp.ErrUnauthorized, ctx.Err())
		}
		return nil, &xapihttp.RetryLaterError{Status: http.StatusServiceUnavailable, RetryAfter: time.Second, Err: ErrBusy}
	}
	defer a.hashing.Release(1)
	if err := a.allowed(key, client, a.o.Now()); err != nil {
		return nil, err
	}
	c, found, err := a.credential(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", xapihttp.ErrUnauthorized, err)
	}
	hash := c.SecretHash
	if !found {
		if hash, err = a.dummy(); err != nil {
			return nil, fmt.Errorf("%w: dummy hash: %w", xapihttp.ErrUnauthorized, err)
		}
	}
	match, err := VerifySecret(secret, hash)
	if err != nil {
		return nil, fmt.Errorf("%w: credential %s: %w", xapihttp.ErrUnauthorized, key, err)
	}
	if !found || c.IsRevoked() || !match {
		return nil, nil
	}
	return &xapihttp.Principal{Tenant: c.Tenant, Key: c.Key, Scopes: c.Scopes, Authority: Authority(a.HomePage, c.Key)}, nil
}

func (a *Authenticator) credential(ctx context.Context, key string) (Credential, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, a.o.StoreTimeout)
	defer cancel()
	return a.Store.GetCredential(ctx, key)
}

// Invalidate drops the cached verifications of key (call it after revoking
// in the same process).
func (a *Authenticator) Invalidate(key string) {
	for _, k := range a.verified.Keys() {
		if k.key == key {
			a.verified.Remove(k)
		}
	}
}

// Authority is the statement authority of a credential (Communication 4.1,
// "No Application + Known User"; Data 2.4.9): an Agent identified by an
// account on the LRS, named by the credential key.
func Authority(homePage, key string) map[string]any {
	return map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": homePage, "name": key}}
}
