package server

import (
	"encoding/json"
	"testing"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// TestAuthorityOfEachPrincipal: Data 2.4.9 — the authority recorded is the
// one of the credential that sent the statement, also when requests of
// several credentials alternate (the encoding of the last one is reused).
func TestAuthorityOfEachPrincipal(t *testing.T) {
	s := &Server{}
	principal := func(name string) *xapihttp.Principal {
		return &xapihttp.Principal{Key: name, Authority: map[string]any{"objectType": "Agent",
			"account": map[string]any{"homePage": "http://lrs", "name": name}}}
	}
	a, b := principal("a"), principal("b")
	for _, p := range []*xapihttp.Principal{a, a, b, a, b, b} {
		got, err := s.authorityJSON(p)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(p.Authority)
		if string(got) != string(want) {
			t.Fatalf("authority of %s: %s, want %s", p.Key, got, want)
		}
	}
}
