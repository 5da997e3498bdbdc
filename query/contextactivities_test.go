package query

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// legacySingle is a statement as an older build stored it: single Activity
// Objects as contextActivities values (all four keys, and in the
// SubStatement), with language maps to pick from.
func legacySingle(n int) fx {
	f := fx{id: sid(n), stored: at(n), verb: vDone, objType: "SubStatement"}
	f.body = fmt.Sprintf(`{"id":"%s","actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"%s"},
 "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:bob@example.com"},"verb":{"id":"http://example.com/w"},
   "object":{"id":"http://example.com/s"},
   "context":{"contextActivities":{"parent":{"id":"http://example.com/sp"},"grouping":{"id":"http://example.com/sg"},
     "category":{"id":"http://example.com/sc"},"other":{"id":"http://example.com/so"}}}},
 "context":{"contextActivities":{"parent":{"id":"%s","definition":{"name":{"en-US":"Parent","de":"Eltern"}}},
   "grouping":{"objectType":"Activity","id":"http://example.com/g"},"category":{"id":"http://example.com/c"},
   "other":{"id":"http://example.com/o"}}},
 "stored":"%s"}`, f.id, vDone, x1, f.stored.Format(time.RFC3339Nano))
	return f
}

// checkArrays fails unless every contextActivities value of the statement
// and of its SubStatement is an array of one; it returns the statement's
// parent.
func checkArrays(t *testing.T, what string, raw []byte) map[string]any {
	t.Helper()
	var st struct {
		Context struct{ ContextActivities map[string]any }
		Object  struct {
			Context struct{ ContextActivities map[string]any }
		}
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatalf("%s: %v: %s", what, err, raw)
	}
	for i, ca := range []map[string]any{st.Context.ContextActivities, st.Object.Context.ContextActivities} {
		for _, kind := range []string{"parent", "grouping", "category", "other"} {
			if arr, ok := ca[kind].([]any); !ok || len(arr) != 1 {
				t.Errorf("%s: contextActivities %d %s is %v, want an array of one", what, i, kind, ca[kind])
			}
		}
	}
	arr, _ := st.Context.ContextActivities["parent"].([]any)
	if len(arr) == 0 {
		return nil
	}
	p, _ := arr[0].(map[string]any)
	return p
}

// Data 2.4.6.2: "The LRS MUST return every value in the contextActivities
// Object as an array, even if it arrived as a single Activity Object" —
// also for statements an older build stored in the single-object form, in
// every format, for lists and single GETs; format=canonical picks the
// language of those activities too.
func TestData2_4_6_2_ContextActivitiesReturnedAsArrays(t *testing.T) {
	e := newEnv(t, at(3600))
	e.insert(legacySingle(1), richStatement(2))
	e.defineActivity(x1, `{"name":{"en-US":"Parent","de":"Eltern","fr":"Parent (fr)"}}`, at(5))
	for _, format := range []string{"exact", "ids", "canonical"} {
		t.Run(format, func(t *testing.T) {
			w := e.getLang(q("statementId", sid(1).String(), "format", format), "fr")
			parent := checkArrays(t, "single GET", w.Body.Bytes())
			w = e.getLang(q("format", format), "fr")
			var res result
			if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || len(res.Statements) != 2 {
				t.Fatalf("list: %v %s", err, w.Body)
			}
			checkArrays(t, "list", res.Statements[1])
			switch format {
			case "ids":
				if len(parent) != 1 || parent["id"] != x1 {
					t.Errorf("ids: parent %v", parent)
				}
			case "canonical":
				def, _ := parent["definition"].(map[string]any)
				if name, _ := def["name"].(map[string]any); len(name) != 1 || name["fr"] != "Parent (fr)" {
					t.Errorf("canonical: parent %v, want the fr name only", parent)
				}
			}
		})
	}
	// A statement already in the array form is returned byte for byte.
	if w := e.get(q("statementId", sid(2).String())); w.Code != http.StatusOK || w.Body.String() != richStatement(2).raw() {
		t.Errorf("exact is the stored bytes: %s", w.Body)
	}
}
