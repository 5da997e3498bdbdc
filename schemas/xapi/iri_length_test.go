package xapi

import (
	"strings"
	"testing"
)

// longIRI is an absolute IRI of exactly n bytes.
func longIRI(n int) string {
	const prefix = "http://example.com/"
	return prefix + strings.Repeat("a", n-len(prefix))
}

// TestIssue24_IRILongerThanMaxIRILengthRejected: issue 7 item 24, a 9 MB verb
// or activity IRI was accepted and indexed. Every IRI/IRL field is capped at
// MaxIRILength bytes; one byte more is a validation problem at its path.
func TestIssue24_IRILongerThanMaxIRILengthRejected(t *testing.T) {
	long := longIRI(MaxIRILength + 1)
	cases := []struct{ name, patch, path string }{
		{"verb id", `{"verb":{"id":"` + long + `"}}`, "$.verb.id"},
		{"activity id", `{"object":{"id":"` + long + `"}}`, "$.object.id"},
		{"activity type", `{"object":{"id":"http://e.com/a","definition":{"type":"` + long + `"}}}`, "$.object.definition.type"},
		{"context activity id", `{"context":{"contextActivities":{"parent":[{"id":"` + long + `"}]}}}`, "$.context.contextActivities.parent[0].id"},
		{"extension key", `{"result":{"extensions":{"` + long + `":1}}}`, "$.result.extensions[\"" + long + "\"]"},
		{"account homePage", `{"actor":{"account":{"homePage":"` + long + `","name":"x"}}}`, "$.actor.account.homePage"},
		{"openid", `{"actor":{"openid":"` + long + `"}}`, "$.actor.openid"},
		{"attachment usageType", `{"attachments":[{"usageType":"` + long + `","display":{"en":"x"},"contentType":"text/plain","length":1,"sha2":"` + sha256hex + `"}]}`, "$.attachments[0].usageType"},
	}
	for _, c := range cases {
		for _, v := range both {
			t.Run(c.name+"/"+string(v), func(t *testing.T) {
				err := Validate(v, patched(t, c.patch))
				if err == nil {
					t.Fatalf("a %d-byte IRI was accepted", len(long))
				}
				probs, ok := problemAt(t, err, c.path)
				if !ok {
					var paths []string
					for _, p := range probs {
						paths = append(paths, p.Path[:min(len(p.Path), 60)])
					}
					t.Fatalf("no problem at %.60s; got %v", c.path, paths)
				}
			})
		}
	}
	// The limit itself is accepted.
	exact := longIRI(MaxIRILength)
	for _, v := range both {
		if err := Validate(v, patched(t, `{"verb":{"id":"`+exact+`"},"object":{"id":"`+exact+`"}}`)); err != nil {
			t.Fatalf("%s: a %d-byte IRI was rejected: %.200v", v, len(exact), err)
		}
	}
}
