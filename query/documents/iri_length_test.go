package documents

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// TestIssue24_ActivityIdLongerThanMaxIRILengthRejected: issue 7 item 24, an
// IRI longer than xapi.MaxIRILength is refused with 400 on the document
// resources too (it would otherwise be stored as a document's scope), while
// one of exactly that length is served.
func TestIssue24_ActivityIdLongerThanMaxIRILengthRejected(t *testing.T) {
	e := newEnv(t, 0)
	const prefix = "http://example.com/"
	long := prefix + strings.Repeat("a", xapi.MaxIRILength+1-len(prefix))
	exact := long[:xapi.MaxIRILength]
	for _, c := range []kindCase{kindCases[0], kindCases[1]} {
		doc := with(c.doc("d"), "activityId", long)
		e.expect(req{method: http.MethodPut, path: c.k.path, params: doc, ct: jsonType, body: `{}`,
			headers: map[string]string{"If-None-Match": "*"}}, http.StatusBadRequest)
		e.expect(req{method: http.MethodGet, path: c.k.path, params: doc}, http.StatusBadRequest)
		ok := with(c.doc("d"), "activityId", exact)
		e.expect(req{method: http.MethodPut, path: c.k.path, params: ok, ct: jsonType, body: `{}`,
			headers: map[string]string{"If-None-Match": "*"}}, http.StatusNoContent)
	}
}
