package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// validateGuessing adds to p the problems of the keys that bound password
// guessing.
func (a Auth) validateGuessing(p *problems) {
	bad := p.add
	if a.CacheSize < 1 {
		bad("auth.cache_size", "must be at least 1")
	}
	if a.HashConcurrency < 0 {
		bad("auth.hash_concurrency", "must be 0 (GOMAXPROCS) or positive")
	}
	if a.HashWait <= 0 {
		bad("auth.hash_wait", "must be a positive duration")
	}
	f := a.FailedLogins
	if f.KeyRate < 0 || (f.KeyRate > 0 && f.KeyBurst < 1) {
		bad("auth.failed_logins.key_rate", "must be 0 (off) or positive with key_burst at least 1")
	}
	if f.AddressRate < 0 || (f.AddressRate > 0 && f.AddressBurst < 1) {
		bad("auth.failed_logins.address_rate", "must be 0 (off) or positive with address_burst at least 1")
	}
	if f.Tracked < 1 {
		bad("auth.failed_logins.tracked", "must be at least 1")
	}
	for _, p := range a.TrustedProxies {
		if _, err := ParsePrefix(p); err != nil {
			bad("auth.trusted_proxies", "%v", err)
		}
	}
}

// ParsePrefix reads a trusted proxy: a CIDR prefix ("10.0.0.0/8") or one
// address ("192.0.2.7", a /32 or /128).
func ParsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR prefix or an address", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR prefix or an address", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// validateLimits adds to p the problems of the header limit and the CORS
// origins.
func (h HTTP) validateLimits(p *problems) {
	bad := p.add
	if h.MaxHeaderBytes < 4096 {
		bad("http.max_header_bytes", "must be at least 4096")
	}
	for _, o := range h.CORS.AllowedOrigins {
		if !validOrigin(o) {
			bad("http.cors.allowed_origins", "%q: want \"*\" or scheme://host[:port] (http or https, at most one \"*\", no path)", o)
		}
	}
	if h.CORS.MaxAge < 0 {
		bad("http.cors.max_age", "must not be negative")
	}
}

// validOrigin: "*", or an http(s) origin whose host may hold one "*".
func validOrigin(o string) bool {
	if o == "*" {
		return true
	}
	if strings.Count(o, "*") > 1 {
		return false
	}
	u, err := url.Parse(strings.Replace(o, "*", "x", 1))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && !u.ForceQuery
}
