package svc

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/platform/svc/routelabel"
)

// DurationBuckets are the request duration buckets, from 0.5 ms to 10 s.
var DurationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// HTTPDurationMetric is the request duration histogram of every role, by
// route template, method and status code. Its name is the same in every mode
// (the process's role is a label of the scrape target, not of the name).
const HTTPDurationMetric = "lrs_http_request_duration_seconds"

// InstrumentHandler records HTTPDurationMetric{route,method,code} for every
// request h serves. routeName is called after h returns; it must return few
// distinct values (a route template, never a raw path). nil names the route
// by what the router inside h recorded with routelabel.Set (gorilla/mux routers:
// see xapihttp.NewRouter), else by the pattern of a ServeMux inside h, else
// "unmatched". Methods outside the standard set count as "OTHER". Wrapping
// several handlers with the same reg shares one histogram; any other
// registration error panics, like MustRegister.
func InstrumentHandler(reg prometheus.Registerer, h http.Handler, routeName func(*http.Request) string) http.Handler {
	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    HTTPDurationMetric,
		Help:    "Time to serve an HTTP request, by route template, method and status code.",
		Buckets: DurationBuckets,
	}, []string{"route", "method", "code"})
	if err := reg.Register(hist); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			panic(err)
		}
		hist = are.ExistingCollector.(*prometheus.HistogramVec)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		// A copy without the pattern of the mux h is mounted in, so only a
		// router inside h can name the route.
		inner, route := routelabel.Track(r)
		inner.Pattern = ""
		h.ServeHTTP(sw, inner)
		code := sw.code
		if code == 0 {
			code = http.StatusOK
		}
		var name string
		switch {
		case routeName != nil:
			name = routeName(inner)
		case *route != "":
			name = *route
		case inner.Pattern != "":
			name = inner.Pattern
		default:
			name = "unmatched"
		}
		hist.WithLabelValues(name, method(r.Method), strconv.Itoa(code)).Observe(time.Since(start).Seconds())
	})
}

func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodOptions, http.MethodPatch:
		return m
	}
	return "OTHER"
}

// statusWriter remembers the status code; Unwrap lets http.ResponseController
// reach Flush and deadlines of the underlying writer.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 && code >= 200 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
