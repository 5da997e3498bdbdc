package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// JWKS cache timings.
const (
	// JWKSMaxAge is the age after which a cached key set is refreshed (in the
	// background: requests keep using the cached set meanwhile).
	JWKSMaxAge = 5 * time.Minute
	// JWKSMinRefresh is the least time between two fetches while a key set is
	// cached (a token naming an unknown kid triggers one at most this often).
	JWKSMinRefresh = 30 * time.Second
	// jwksColdRetry is the least time between two fetches while no key set
	// has been fetched yet (an issuer outage at start-up).
	jwksColdRetry = time.Second
	// JWKSTimeout bounds one fetch.
	JWKSTimeout = 10 * time.Second
	// jwksMaxBytes bounds the size of a key set document.
	jwksMaxBytes = 1 << 20
)

// ErrJWKSUnavailable means the key set could not be fetched and none is cached.
var ErrJWKSUnavailable = errors.New("JWKS unavailable")

// errUnknownKey means the key set holds no usable key for the token.
var errUnknownKey = errors.New("no matching key in the JWKS")

// jwksCache fetches and caches the JSON Web Key Set of one issuer.
//
// The set is fetched on first use; afterwards it is refreshed in the
// background once it is older than maxAge, and synchronously when a token
// names a kid the set does not hold (key rotation) — both at most once per
// minRefresh. A failed fetch keeps the cached set, so an outage of the issuer
// does not fail requests whose key is already known.
type jwksCache struct {
	url    string
	client *http.Client
	now    func() time.Time

	maxAge, minRefresh, timeout time.Duration

	fetchMu sync.Mutex // one fetch at a time

	mu         sync.Mutex
	keys       map[string][]jose.JSONWebKey // by kid
	all        []jose.JSONWebKey
	fetched    time.Time // last successful fetch
	attempted  time.Time // last fetch, successful or not
	refreshing bool      // a background refresh is running
	lastErr    error
}

func newJWKSCache(url string, client *http.Client, now func() time.Time) *jwksCache {
	if client == nil {
		client = &http.Client{Timeout: JWKSTimeout}
	}
	return &jwksCache{url: url, client: client, now: now,
		maxAge: JWKSMaxAge, minRefresh: JWKSMinRefresh, timeout: JWKSTimeout}
}

// key returns the verification key for kid and alg, fetching the set when
// none is cached or kid is unknown. An empty kid is accepted only when the
// set holds exactly one usable key for alg.
func (c *jwksCache) key(ctx context.Context, kid, alg string) (*jose.JSONWebKey, error) {
	c.mu.Lock()
	have := c.keys != nil
	if have && !c.refreshing && c.now().Sub(c.fetched) >= c.maxAge && c.now().Sub(c.attempted) >= c.minRefresh {
		c.refreshing = true
		go c.backgroundRefresh()
	}
	k, err := c.lookup(kid, alg)
	c.mu.Unlock()
	if err == nil {
		return k, nil
	}
	if !errors.Is(err, errUnknownKey) {
		return nil, err
	}
	// Unknown kid (or nothing cached): fetch now, rate-limited.
	if ferr := c.refresh(ctx, false); ferr != nil && !have {
		return nil, ferr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		return nil, fmt.Errorf("%w: %w", ErrJWKSUnavailable, c.lastErr)
	}
	return c.lookup(kid, alg)
}

// lookup finds the key (mu held).
func (c *jwksCache) lookup(kid, alg string) (*jose.JSONWebKey, error) {
	var cands []jose.JSONWebKey
	if kid != "" {
		cands = c.keys[kid]
	} else {
		cands = c.all
	}
	var found []*jose.JSONWebKey
	for i := range cands {
		k := &cands[i]
		if k.Algorithm != "" && k.Algorithm != alg {
			continue
		}
		if !keyFitsAlg(k.Key, alg) {
			continue
		}
		found = append(found, k)
	}
	if len(found) != 1 {
		if len(found) > 1 {
			return nil, fmt.Errorf("%w: %d keys match kid %q", errUnknownKey, len(found), kid)
		}
		return nil, fmt.Errorf("%w: kid %q, alg %s", errUnknownKey, kid, alg)
	}
	return found[0], nil
}

// keyFitsAlg reports whether the public key k can verify alg (never a
// symmetric key: HMAC with a public key is refused).
func keyFitsAlg(k any, alg string) bool {
	switch k.(type) {
	case *rsa.PublicKey:
		switch jose.SignatureAlgorithm(alg) {
		case jose.RS256, jose.RS384, jose.RS512, jose.PS256:
			return true
		}
	case *ecdsa.PublicKey:
		switch jose.SignatureAlgorithm(alg) {
		case jose.ES256, jose.ES384:
			return true
		}
	}
	return false
}

func (c *jwksCache) backgroundRefresh() {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	_ = c.refresh(ctx, true)
	c.mu.Lock()
	c.refreshing = false
	c.mu.Unlock()
}

// refresh fetches the set unless the last attempt is too recent. A failure
// keeps the cached set.
func (c *jwksCache) refresh(ctx context.Context, background bool) error {
	c.fetchMu.Lock()
	defer c.fetchMu.Unlock()
	c.mu.Lock()
	gap := c.minRefresh
	if c.keys == nil {
		gap = jwksColdRetry
	}
	if !c.attempted.IsZero() && c.now().Sub(c.attempted) < gap {
		err := c.lastErr
		c.mu.Unlock()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrJWKSUnavailable, err)
		}
		return nil
	}
	c.attempted = c.now()
	c.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	keys, err := c.fetch(ctx)

	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastErr = err
	if err != nil {
		return fmt.Errorf("%w: %w", ErrJWKSUnavailable, err)
	}
	byKid := map[string][]jose.JSONWebKey{}
	for _, k := range keys {
		byKid[k.KeyID] = append(byKid[k.KeyID], k)
	}
	c.keys, c.all, c.fetched = byKid, keys, c.now()
	return nil
}

// fetch downloads and parses the key set, keeping the public signature keys
// it understands and skipping the others.
func (c *jwksCache) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/jwk-set+json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, jwksMaxBytes))
		return nil, fmt.Errorf("GET %s: %s", c.url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, jwksMaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > jwksMaxBytes {
		return nil, fmt.Errorf("GET %s: key set larger than %d bytes", c.url, jwksMaxBytes)
	}
	var raw struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("GET %s: %w", c.url, err)
	}
	var keys []jose.JSONWebKey
	for _, r := range raw.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(r); err != nil {
			continue // a key type go-jose does not know: not ours to use
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		switch k.Key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
		case *rsa.PrivateKey, *ecdsa.PrivateKey:
			k = k.Public()
		default:
			continue // symmetric or unsupported keys are never used
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("GET %s: no usable signature key in the set", c.url)
	}
	return keys, nil
}
