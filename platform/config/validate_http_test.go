package config

import (
	"strings"
	"testing"
	"time"
)

// TestIssue19_24_GuessingAndHeaderLimitsValidated: the keys of issue 7 items
// 19 and 24 have working defaults, and every bad value is reported with its
// key.
func TestIssue19_24_GuessingAndHeaderLimitsValidated(t *testing.T) {
	if err := Default().Validate(RoleAll); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	good := Default()
	good.Auth.TrustedProxies = []string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}
	good.HTTP.CORS.AllowedOrigins = []string{"https://lms.example.com", "http://localhost:3000", "https://*.example.org", "*"}
	if err := good.Validate(RoleAll); err != nil {
		t.Fatalf("valid values refused: %v", err)
	}
	c := Default()
	c.Auth.CacheSize = 0
	c.Auth.HashConcurrency = -1
	c.Auth.HashWait = 0
	c.Auth.FailedLogins = FailedLogins{KeyRate: -1, AddressRate: 1, AddressBurst: 0, Tracked: 0}
	c.Auth.TrustedProxies = []string{"10.0.0.0/33", "proxy.local"}
	c.HTTP.MaxHeaderBytes = 100
	c.HTTP.CORS.AllowedOrigins = []string{"https://lms.example.com/path", "lms.example.com", "ftp://x", "https://*.*.e"}
	c.HTTP.CORS.MaxAge = -time.Second
	err := c.Validate(RoleAll)
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, want := range []string{"auth.cache_size", "auth.hash_concurrency", "auth.hash_wait",
		"auth.failed_logins.key_rate", "auth.failed_logins.address_rate", "auth.failed_logins.tracked",
		`auth.trusted_proxies: "10.0.0.0/33"`, `auth.trusted_proxies: "proxy.local"`, "http.max_header_bytes",
		`"https://lms.example.com/path"`, `"lms.example.com"`, `"ftp://x"`, `"https://*.*.e"`, "http.cors.max_age"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("no problem about %s in:\n%v", want, err)
		}
	}
}

func TestParsePrefix(t *testing.T) {
	for in, want := range map[string]string{"10.1.2.3/8": "10.0.0.0/8", "192.0.2.7": "192.0.2.7/32",
		"::ffff:192.0.2.7": "192.0.2.7/32", "2001:db8::1": "2001:db8::1/128"} {
		p, err := ParsePrefix(in)
		if err != nil || p.String() != want {
			t.Errorf("ParsePrefix(%q) = %v %v, want %s", in, p, err, want)
		}
	}
}
