package xapi

import (
	"testing"
	"time"
)

// singleContextActivities has a single Activity Object as the value of every
// contextActivities key, in the statement and in its SubStatement.
const singleContextActivities = `{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},
 "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@example.com"},"verb":{"id":"http://example.com/w"},
   "object":{"id":"http://example.com/s"},
   "context":{"contextActivities":{"parent":{"id":"http://example.com/sp"},"grouping":{"id":"http://example.com/sg"},
     "category":{"id":"http://example.com/sc"},"other":{"id":"http://example.com/so"}}}},
 "context":{"contextActivities":{"parent":{"id":"http://example.com/p","definition":{"name":{"en":"P"}}},
   "grouping":{"objectType":"Activity","id":"http://example.com/g"},"category":{"id":"http://example.com/c"},
   "other":[{"id":"http://example.com/o"}]}}}`

// arrayContextActivities is the same statement with every value an array.
const arrayContextActivities = `{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},
 "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@example.com"},"verb":{"id":"http://example.com/w"},
   "object":{"id":"http://example.com/s"},
   "context":{"contextActivities":{"parent":[{"id":"http://example.com/sp"}],"grouping":[{"id":"http://example.com/sg"}],
     "category":[{"id":"http://example.com/sc"}],"other":[{"id":"http://example.com/so"}]}}},
 "context":{"contextActivities":{"parent":[{"id":"http://example.com/p","definition":{"name":{"en":"P"}}}],
   "grouping":[{"objectType":"Activity","id":"http://example.com/g"}],"category":[{"id":"http://example.com/c"}],
   "other":[{"id":"http://example.com/o"}]}}}`

// Data 2.4.6.2: "The LRS MUST return every value in the contextActivities
// Object as an array, even if it arrived as a single Activity Object": the
// LRS stores it so (Finalize), for all four keys and in a SubStatement, and
// the two forms are the same statement for the same-id comparison (Data
// 2.3.1) and the signature check (Data 2.6), which both use ContentHash.
func TestData2_4_6_2_ContextActivitiesStoredAsArrays(t *testing.T) {
	for _, v := range both {
		t.Run(string(v), func(t *testing.T) {
			s := mustDecode(t, singleContextActivities)
			if err := Validate(v, s); err != nil {
				t.Fatal(err)
			}
			if ContentHash(s) != ContentHash(mustDecode(t, arrayContextActivities)) {
				t.Fatal("ContentHash tells the single-object and array forms apart")
			}
			if _, err := Finalize(s, v, time.Now(), authority); err != nil {
				t.Fatal(err)
			}
			want := mustDecode(t, arrayContextActivities)
			for _, k := range []string{"context", "object"} { // object: the SubStatement's
				if toJSON(t, s[k]) != toJSON(t, want[k]) {
					t.Errorf("%s\n got %s\nwant %s", k, toJSON(t, s[k]), toJSON(t, want[k]))
				}
			}
			if ContextActivitiesAsArrays(s) {
				t.Error("a second pass reports a change")
			}
		})
	}
}

// MayHaveSingleContextActivity finds every statement ContextActivitiesAsArrays
// would change, whatever the spacing, and passes over the array form.
func TestData2_4_6_2_SingleContextActivityScan(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want bool
	}{
		{singleContextActivities, true},
		{`{"context":{"contextActivities":{"other" :` + "\n\t" + `{"id":"http://e.com/o"}}}}`, true},
		{arrayContextActivities, false},
		{`{"context":{"contextActivities":{"parent":[{"id":"http://e.com/p"}]}},"result":{"extensions":{"http://e.com/x":{"parent":"x"}}}}`, false},
		{`{"object":{"id":"http://e.com/a","definition":{"extensions":{"http://e.com/x":{"parent":{"a":1}}}}}}`, false}, // no contextActivities at all
		{`{}`, false},
		{`{"context":{"contextActivities":{"parent":[{"id":"http://e.com/p","definition":{"name":{"en":"x\\\":{\"y}"}}}],"other":[]}}}`, false},
		{`{"context":{"contextActivities":{"category":[],"grouping":[{"id":"http://e.com/g"}],"parent":{"id":"http://e.com/p"}}}}`, true},
	} {
		if got := MayHaveSingleContextActivity([]byte(c.raw)); got != c.want {
			t.Errorf("MayHaveSingleContextActivity(%s) = %v, want %v", c.raw, got, c.want)
		}
		if c.want {
			continue
		}
		if s, err := DecodeStatement([]byte(c.raw)); err != nil || ContextActivitiesAsArrays(s) {
			t.Errorf("%s: the scan says no, ContextActivitiesAsArrays changes it (%v)", c.raw, err)
		}
	}
}
