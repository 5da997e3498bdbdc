package xapi

import (
	"testing"
)

// hashCorner are statements (valid or not: the hash is defined on any
// decoded object) that take every branch of the canonical form.
var hashCorner = []string{
	`{}`,
	`{"actor":"x","verb":[1,2.50],"object":7,"context":null,"result":"r","timestamp":12}`,
	`{"verb":{"display":{"en":"x"}},"object":{"definition":{}},"actor":{"objectType":"Group","member":[{"mbox":"mailto:b@X.org","name":"<b>"},{"mbox":"mailto:a@x.org","name":"a&b"},{"mbox":"mailto:a@x.org","name":"a>b"},"str",{"mbox":7},{"mbox_sha1sum":"ABCDEF"},{"account":{"name":"n","homePage":"http://H"}}]}}`,
	`{"actor":{"objectType":"Group","member":[{"mbox":"mailto:a@x.org","name":"aA"},{"mbox":"mailto:a@x.org","name":"a<"}]}}`,
	`{"actor":{"objectType":"Agent","mbox_sha1sum":5,"member":"notalist","extra":{"z":1.0e2,"a":[-0.0,1E+3,"\u2028"]}}}`,
	`{"object":{"objectType":"StatementRef","id":"AAAAAAAA-B57B-4C15-8D91-D292C5B2B8F7","x":1.10}}`,
	`{"object":{"objectType":"StatementRef","id":12}}`,
	`{"object":{"objectType":"Agent","mbox":"mailto:A@B.C"}}`,
	`{"object":{"objectType":"Group","name":"g","member":[]}}`,
	`{"object":{"objectType":"Other","id":"x","n":2.0}}`,
	`{"object":{"objectType":"Activity","id":3.0}}`,
	`{"object":{"objectType":"SubStatement","id":"X","stored":"s","authority":{"mbox":"mailto:a@B"},"version":"1.0","attachments":[1.0],"actor":{"mbox":"mailto:x@Y.z"},"verb":{"id":"http://v"},"object":{"objectType":"SubStatement","object":{"id":"http://in"},"timestamp":"2020-01-01T00:00:00.1234+02:00"},"timestamp":"2020-01-01T00:00:00Z","context":{"registration":"ABC"},"result":{"duration":"PT1,2560S"}}}`,
	`{"id":"x","stored":"y","authority":"z","version":"v","attachments":"a","timestamp":"not a time"}`,
	`{"timestamp":"2020-01-01 10:00:00+01:00"}`,
	`{"timestamp":"2020-02-30T10:00:00Z"}`,
	`{"context":{"registration":"ABCDEF","language":"EN-us","instructor":{"mbox":"mailto:i@I.I"},"team":{"objectType":"Group","member":[{"openid":"http://b"},{"openid":"http://a"}]},"statement":{"objectType":"StatementRef","id":"ABC"},"contextActivities":{"parent":{"id":"http://p","definition":{}},"grouping":[{"id":"http://g"},"notamap",{"objectType":"Activity","id":"http://g2"}],"other":[]},"contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:q@Q"},"relevantTypes":["http://t"]},"x"],"contextGroups":[{"group":{"objectType":"Group","member":[{"mbox":"mailto:m@M"}]}}],"extensions":{"http://e":{"n":null,"f":1.500,"t":true}}}}`,
	`{"context":{"registration":5,"language":["x"],"contextActivities":"notamap","contextAgents":{"a":1},"contextGroups":7,"statement":"s"}}`,
	`{"context":"notamap"}`,
	`{"result":{"duration":"P1D","score":{"scaled":-0.50,"raw":0e5}},"x":{"deep":[[{"k":1}]]}}`,
	`{"result":{"duration":7}}`,
	`{"result":{"duration":"PT1.000S"}}`,
	`{"result":{"duration":"PT3S"}}`,
	`{"result":"x"}`,
	`{"weird \"key\"":"\u0001\n<>&","é":"ü"}`,
}

// TestContentHashMatchesReference: the streamed canonical form hashes
// exactly as the canonical copy of earlier builds did, so statements stored
// by them still compare (Data 2.3.1: same content is no change, other content
// a 409) after an upgrade.
func TestContentHashMatchesReference(t *testing.T) {
	check := func(name string, s Statement) {
		t.Helper()
		if got, want := ContentHash(s), refContentHash(s); got != want {
			t.Errorf("%s: ContentHash %s, reference %s", name, got, want)
		}
	}
	for name, s := range fixtures(t, "valid") {
		check(name, s)
	}
	check("baseStatement", decodeForTest(t, baseStatement))
	for _, doc := range hashCorner {
		check("corner "+doc, decodeForTest(t, doc))
	}
	// Statements built in code (numbers as Go numbers) hash the same too.
	check("built", Statement{"actor": map[string]any{"mbox": "mailto:a@B"}, "result": map[string]any{"score": map[string]any{"raw": 5, "scaled": 0.5, "min": float32(1), "max": int64(9)}}})
}

func decodeForTest(t *testing.T, doc string) Statement {
	t.Helper()
	v, err := decodeValue([]byte(doc))
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	return v.(map[string]any)
}

func FuzzContentHashMatchesReference(f *testing.F) {
	f.Add([]byte(baseStatement))
	for _, doc := range hashCorner {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := decodeValue(body)
		m, ok := v.(map[string]any)
		if err != nil || !ok {
			return
		}
		if got, want := ContentHash(m), refContentHash(m); got != want {
			t.Fatalf("%s: ContentHash %s, reference %s", body, got, want)
		}
	})
}

// FuzzCanonNumberMatchesReference: numbers are rewritten as before, also
// text that is not a JSON number (statements built in code).
func FuzzCanonNumberMatchesReference(f *testing.F) {
	for _, s := range []string{"0", "-0.0", "1.50", "1E+3", "-2.5e-7", "1e", "NaN", "+Inf", "ÉE5", "00.00e0", "1.2.3", "1e99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendCanonNumber(nil, s)), refCanonNumber(s); got != want {
			t.Fatalf("%q: %q, reference %q", s, got, want)
		}
	})
}
