package xapihttp_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// Issue 7, item 12: requests through the xAPI router, mounted on the role's
// server like in every role, are labelled by route template (never "/").
func TestMetricsLabelXAPIRequestsByRouteTemplate(t *testing.T) {
	r := xapihttp.NewRouter()
	r.HandleFunc("/xapi/statements", func(w http.ResponseWriter, _ *http.Request) {}).Methods(http.MethodGet)
	r.HandleFunc("/xapi/activities/{kind}", func(w http.ResponseWriter, _ *http.Request) {}).Methods(http.MethodGet)
	reg := prometheus.NewRegistry()
	h := svc.NewServer(config.Default().HTTP, svc.InstrumentHandler(reg, r, nil), svc.ServerOptions{}).Handler()
	for _, path := range []string{"/xapi/statements?limit=1", "/xapi/activities/state", "/xapi/nowhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	n := testutil.CollectAndCount(reg, svc.HTTPDurationMetric)
	if n != 3 {
		t.Errorf("%d series, want 3", n)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "route" {
					routes = append(routes, lp.GetValue())
				}
			}
		}
	}
	got := strings.Join(routes, " ")
	for _, w := range []string{"/xapi/statements", "/xapi/activities/{kind}", "unmatched"} {
		if !strings.Contains(" "+got+" ", " "+w+" ") {
			t.Errorf("routes %q lack %q", got, w)
		}
	}
}
