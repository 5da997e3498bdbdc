package server

import (
	"encoding/json"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
)

// singleParents is a statement whose contextActivities values are single
// Activity Objects (all four keys), also inside its SubStatement.
const singleParents = `{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
 "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@example.com"},"verb":{"id":"http://example.com/w"},
   "object":{"id":"http://example.com/s"},
   "context":{"contextActivities":{"parent":{"id":"http://example.com/sp"},"grouping":{"id":"http://example.com/sg"},
     "category":{"id":"http://example.com/sc"},"other":{"id":"http://example.com/so"}}}},
 "context":{"contextActivities":{"parent":{"id":"http://example.com/p"},"grouping":{"id":"http://example.com/g"},
   "category":{"id":"http://example.com/c"},"other":{"id":"http://example.com/o"}}}}`

// contextActivityValues returns the contextActivities of st and of its
// SubStatement object.
func contextActivityValues(t *testing.T, raw []byte) []map[string]any {
	t.Helper()
	var st struct {
		Context struct{ ContextActivities map[string]any }
		Object  struct {
			Context struct{ ContextActivities map[string]any }
		}
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	return []map[string]any{st.Context.ContextActivities, st.Object.Context.ContextActivities}
}

// Data 2.4.6.2: "The LRS MUST return every value in the contextActivities
// Object as an array, even if it arrived as a single Activity Object": the
// statement is stored with arrays (so every read returns them), and sending
// it again in the array form is the same statement, not a 409 (Data 2.3.1).
func TestData2_4_6_2_ContextActivitiesStoredAsArrays(t *testing.T) {
	for _, v := range []string{"1.0.3", "2.0.0"} {
		t.Run(v, func(t *testing.T) {
			f := newFixture(t)
			id := uuid.NewString()
			single := `{"id":"` + id + `",` + strings.TrimPrefix(singleParents, "{")
			if resp, out := f.do(t, request{method: "POST", body: single, version: v}); resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
			if len(f.pub.got) != 1 {
				t.Fatalf("published %d", len(f.pub.got))
			}
			for i, ca := range contextActivityValues(t, f.pub.got[0].Statement) {
				for _, kind := range []string{"parent", "grouping", "category", "other"} {
					if arr, ok := ca[kind].([]any); !ok || len(arr) != 1 {
						t.Errorf("contextActivities %d %s stored as %v, want an array of one", i, kind, ca[kind])
					}
				}
			}
			asArrays := single
			for _, k := range []string{"sp", "sg", "sc", "so", "p", "g", "c", "o"} {
				a := `{"id":"http://example.com/` + k + `"}`
				asArrays = strings.Replace(asArrays, a, "["+a+"]", 1)
			}
			if resp, out := f.do(t, request{method: "PUT", query: "?statementId=" + id, body: asArrays, version: v}); resp.StatusCode != 204 {
				t.Fatalf("the array form of the same statement: status %d: %s", resp.StatusCode, out)
			}
			if len(f.pub.got) != 1 {
				t.Fatalf("the same statement published again")
			}
		})
	}
}

// Data 2.6: a signed statement whose contextActivities hold single Activity
// Objects still verifies (the payload is compared with the statement as
// received, the two forms being equivalent), and is stored with arrays.
func TestData2_6_SignedStatementWithSingleContextActivity(t *testing.T) {
	s := newSigner(t)
	signed := strings.TrimSuffix(signedBase, "}") + `,"context":{"contextActivities":{"parent":{"id":"http://example.com/p"}}}}`
	asArray := strings.Replace(signed, `{"id":"http://example.com/p"}`, `[{"id":"http://example.com/p"}]`, 1)
	for _, c := range []struct{ name, payload, statement string }{
		{"both single", signed, signed},
		{"payload single, statement array", signed, asArray},
		{"payload array, statement single", asArray, signed},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			resp, out := f.do(t, request{method: "POST", body: signedRequest(c.statement, s.sign(t, jose.RS256, c.payload, true), "application/octet-stream"), contentType: multipartType})
			if resp.StatusCode != 200 || len(f.pub.got) != 1 {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
			if arr, ok := contextActivityValues(t, f.pub.got[0].Statement)[0]["parent"].([]any); !ok || len(arr) != 1 {
				t.Errorf("stored %s", f.pub.got[0].Statement)
			}
		})
	}
}

// Data 2.4.9: an authority Group is the 3-legged OAuth pair of exactly two
// Agents, one of them the OAuth consumer identified by account, and is not
// an Identified Group; anything else is 400.
func TestData2_4_9_AuthorityGroupMustBeOAuthPair(t *testing.T) {
	consumer := `{"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}}`
	user := `{"mbox":"mailto:bob@example.com"}`
	withAuthority := func(a string) string { return strings.TrimSuffix(statement, "}") + `,"authority":` + a + `}` }
	for _, c := range []struct {
		name, authority string
		want            int
	}{
		{"OAuth pair", `{"objectType":"Group","member":[` + consumer + `,` + user + `]}`, 200},
		{"identified Group of two", `{"objectType":"Group","mbox":"mailto:g@example.com","member":[` + consumer + `,` + user + `]}`, 400},
		{"Group of two without an OAuth consumer", `{"objectType":"Group","member":[` + user + `,{"mbox":"mailto:c@example.com"}]}`, 400},
		{"Group of three", `{"objectType":"Group","member":[` + consumer + `,` + user + `,{"mbox":"mailto:c@example.com"}]}`, 400},
		{"Group of one", `{"objectType":"Group","member":[` + consumer + `]}`, 400},
	} {
		for _, v := range []string{"1.0.3", "2.0.0"} {
			t.Run(c.name+"/"+v, func(t *testing.T) {
				f := newFixture(t)
				if resp, out := f.do(t, request{method: "POST", body: withAuthority(c.authority), version: v}); resp.StatusCode != c.want {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, out)
				}
			})
		}
	}
}

// Data 2.4.10: the statement version is "formatted as laid out for the API
// version header" (Communication 3.3: "1.0" is accepted as "1.0.0"), so
// "1.0" is accepted under a 1.0.x request and kept as sent.
func TestData2_4_10_Version1_0AcceptedUnder1_0_x(t *testing.T) {
	for _, header := range []string{"1.0", "1.0.0", "1.0.3"} {
		t.Run(header, func(t *testing.T) {
			f := newFixture(t)
			body := strings.TrimSuffix(statement, "}") + `,"version":"1.0"}`
			if resp, out := f.do(t, request{method: "POST", body: body, version: header}); resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
			if len(f.pub.got) != 1 || !strings.Contains(string(f.pub.got[0].Statement), `"version":"1.0"`) {
				t.Fatalf("stored %v", f.pub.got)
			}
		})
	}
}
