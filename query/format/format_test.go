package format

import (
	"bytes"
	"encoding/json"
	"testing"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func same(t *testing.T, got map[string]any, want string) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(decode(t, want))
	if !bytes.Equal(g, w) {
		t.Errorf("\n got %s\nwant %s", g, w)
	}
}

const full = `{"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
 "actor":{"objectType":"Agent","name":"Ann","mbox":"mailto:ann@example.com"},
 "verb":{"id":"http://v/done","display":{"en-US":"done","de-DE":"erledigt","fr":"fait"}},
 "object":{"id":"http://a/1","definition":{"name":{"en-US":"One","de":"Eins"},"description":{"en-GB":"the one"},
   "interactionType":"choice","choices":[{"id":"c1","description":{"en-US":"C one","de":"C eins"}}]}},
 "result":{"score":{"scaled":0.50}},
 "context":{"instructor":{"objectType":"Group","name":"anon","member":[{"name":"Bob","account":{"homePage":"http://h","name":"bob"}},{"openid":"http://o/c","name":"C"}]},
   "team":{"objectType":"Group","name":"T","mbox_sha1sum":"0123456789012345678901234567890123456789","member":[{"mbox":"mailto:x@example.com"}]},
   "contextActivities":{"parent":{"id":"http://a/p","definition":{"name":{"en":"P","fr":"P-fr"}}},
     "grouping":[{"objectType":"Activity","id":"http://a/g","definition":{"type":"http://t"}}]},
   "contextAgents":[{"objectType":"contextAgent","agent":{"name":"D","mbox":"mailto:d@example.com"},"relevantTypes":["http://r"]}],
   "contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","member":[{"name":"E","mbox":"mailto:e@example.com"}]}}],
   "statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bef"}},
 "authority":{"objectType":"Agent","name":"LRS","account":{"homePage":"http://lrs","name":"acme"}},
 "stored":"2024-03-01T10:00:00.000Z"}`

// Communication 2.1.3 format=ids: only what identifies Agents, Groups
// (Anonymous Groups: their members), Activities and Verbs.
func TestComm2_1_3_FormatIDs(t *testing.T) {
	st := decode(t, full)
	IDs(st)
	same(t, st, `{"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
 "actor":{"objectType":"Agent","mbox":"mailto:ann@example.com"},
 "verb":{"id":"http://v/done"},
 "object":{"id":"http://a/1"},
 "result":{"score":{"scaled":0.50}},
 "context":{"instructor":{"objectType":"Group","member":[{"objectType":"Agent","account":{"homePage":"http://h","name":"bob"}},{"objectType":"Agent","openid":"http://o/c"}]},
   "team":{"objectType":"Group","mbox_sha1sum":"0123456789012345678901234567890123456789"},
   "contextActivities":{"parent":{"id":"http://a/p"},
     "grouping":[{"id":"http://a/g"}]},
   "contextAgents":[{"objectType":"contextAgent","agent":{"objectType":"Agent","mbox":"mailto:d@example.com"},"relevantTypes":["http://r"]}],
   "contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","member":[{"objectType":"Agent","mbox":"mailto:e@example.com"}]}}],
   "statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bef"}},
 "authority":{"objectType":"Agent","account":{"homePage":"http://lrs","name":"acme"}},
 "stored":"2024-03-01T10:00:00.000Z"}`)
}

func TestComm2_1_3_FormatIDsSubStatement(t *testing.T) {
	st := decode(t, `{"actor":{"mbox":"mailto:a@example.com","name":"A"},"verb":{"id":"http://v","display":{"en":"v"}},
 "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@example.com","name":"B"},"verb":{"id":"http://w","display":{"en":"w"}},
   "object":{"objectType":"Agent","name":"C","openid":"http://o/c"},
   "context":{"contextActivities":{"other":[{"id":"http://a/o","definition":{"name":{"en":"O"}}}]}}}}`)
	IDs(st)
	same(t, st, `{"actor":{"objectType":"Agent","mbox":"mailto:a@example.com"},"verb":{"id":"http://v"},
 "object":{"objectType":"SubStatement","actor":{"objectType":"Agent","mbox":"mailto:b@example.com"},"verb":{"id":"http://w"},
   "object":{"objectType":"Agent","openid":"http://o/c"},
   "context":{"contextActivities":{"other":[{"id":"http://a/o"}]}}}}`)
}

// Communication 2.1.3 format=ids: "only include minimum information
// necessary in Agent, Activity, Verb and Group Objects to identify them": an
// Activity is identified by its id alone, as the object, in
// contextActivities and inside a SubStatement (objectType "Activity" is the
// default and identifies nothing).
func TestComm2_1_3_FormatIDsActivityIsOnlyItsId(t *testing.T) {
	st := decode(t, `{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://v"},
 "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@example.com"},"verb":{"id":"http://w"},
   "object":{"objectType":"Activity","id":"http://a/s","definition":{"name":{"en":"S"}}},
   "context":{"contextActivities":{"parent":[{"objectType":"Activity","id":"http://a/sp"}]}}},
 "context":{"contextActivities":{"category":[{"id":"http://a/c","definition":{"type":"http://t"}}]}}}`)
	IDs(st)
	same(t, st, `{"actor":{"objectType":"Agent","mbox":"mailto:a@example.com"},"verb":{"id":"http://v"},
 "object":{"objectType":"SubStatement","actor":{"objectType":"Agent","mbox":"mailto:b@example.com"},"verb":{"id":"http://w"},
   "object":{"id":"http://a/s"},
   "context":{"contextActivities":{"parent":[{"id":"http://a/sp"}]}}},
 "context":{"contextActivities":{"category":[{"id":"http://a/c"}]}}}`)
	st = decode(t, `{"object":{"objectType":"Activity","id":"http://a/1"}}`)
	IDs(st)
	same(t, st, `{"object":{"id":"http://a/1"}}`)
}

// Communication 2.1.3 format=canonical: Activities carry the canonical
// definition, language maps hold one language chosen by Accept-Language,
// Agents and Groups exact.
func TestComm2_1_3_FormatCanonical(t *testing.T) {
	st := decode(t, full)
	ids := ActivityIDs(st)
	if len(ids) != 3 || ids[0] != "http://a/1" || ids[1] != "http://a/p" || ids[2] != "http://a/g" {
		t.Errorf("ActivityIDs %v", ids)
	}
	Canonical(st, map[string]string{"http://a/g": `{"name":{"de":"G-de","en-US":"G"},"type":"http://t2"}`}, NewLanguages("de-DE, de;q=0.9, en;q=0.5"))
	want := decode(t, full)
	want["verb"] = decode(t, `{"id":"http://v/done","display":{"de-DE":"erledigt"}}`)
	want["object"] = decode(t, `{"id":"http://a/1","definition":{"name":{"de":"Eins"},"description":{"en-GB":"the one"},
   "interactionType":"choice","choices":[{"id":"c1","description":{"de":"C eins"}}]}}`)
	ctx := want["context"].(map[string]any)
	ctx["contextActivities"] = decode(t, `{"parent":{"id":"http://a/p","definition":{"name":{"en":"P"}}},
     "grouping":[{"objectType":"Activity","id":"http://a/g","definition":{"name":{"de":"G-de"},"type":"http://t2"}}]}`)
	g, _ := json.Marshal(want)
	same(t, st, string(g))
}

// The language chosen for each map on its own (Communication 2.1.3: applied
// to each language map individually), with a fallback when nothing matches.
func TestComm2_1_3_LanguagePick(t *testing.T) {
	m := map[string]any{"en-US": 1, "en-GB": 2, "de": 3, "fr-CA": 4}
	for _, tc := range []struct{ header, want string }{
		{"", "en-GB"},       // no preference: first English tag
		{"de", "de"},        // exact
		{"fr", "fr-CA"},     // RFC 2616 prefix match
		{"EN-us", "en-US"},  // case-insensitive
		{"en-AU, de", "de"}, // strict match on a later range beats a looser one
		{"en-AU", "en-GB"},  // same primary language
		{"it, fr;q=0.3, de;q=0.8", "de"},
		{"*", "de"},            // any: first tag in order
		{"*, de;q=0", "en-GB"}, // any but German
		{"ja", "en-GB"},        // nothing matches: English fallback
		{"de;q=0, en-us;q=0, en;q=0, fr-ca;q=0", "en-GB"}, // everything refused: still one
		{"bogus;q=x, de", "de"},
	} {
		got := NewLanguages(tc.header).Pick(m)
		if len(got) != 1 || got[tc.want] == nil {
			t.Errorf("Accept-Language %q: %v, want %s", tc.header, got, tc.want)
		}
	}
	if got := NewLanguages("").Pick(map[string]any{"ja": 1, "ko": 2}); got["ja"] == nil {
		t.Errorf("no English: %v, want the first tag", got)
	}
}
