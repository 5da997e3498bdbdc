package resources

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// TestIssue24_ActivityIdLongerThanMaxIRILengthRejected: issue 7 item 24, no
// stored activity has an id longer than xapi.MaxIRILength, so a longer
// activityId is a bad request (400), and one of exactly that length is served.
func TestIssue24_ActivityIdLongerThanMaxIRILengthRejected(t *testing.T) {
	e := newEnv(t)
	const prefix = "http://example.com/"
	long := prefix + strings.Repeat("a", xapi.MaxIRILength+1-len(prefix))
	for _, v := range versions {
		mustStatus(t, e.do(http.MethodGet, "acme", v, "/xapi/activities", activityQ(long)), http.StatusBadRequest)
		mustStatus(t, e.do(http.MethodGet, "acme", v, "/xapi/activities", activityQ(long[:xapi.MaxIRILength])), http.StatusOK)
	}
}
