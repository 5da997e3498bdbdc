package svc

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DurationBuckets are the request duration buckets, from 0.5 ms to 10 s.
var DurationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// InstrumentHandler records lrs_<service>_http_request_duration_seconds
// {route,method,code} for every request h serves. routeName is called after h
// returns, so a ServeMux's r.Pattern is already set; it must return few
// distinct values (a route template, never a raw path). nil uses r.Pattern,
// or "unmatched". Methods outside the standard set count as "OTHER".
// Wrapping several handlers with the same reg and service shares one
// histogram; any other registration error panics, like MustRegister.
func InstrumentHandler(reg prometheus.Registerer, service string, h http.Handler, routeName func(*http.Request) string) http.Handler {
	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "lrs_" + service + "_http_request_duration_seconds",
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
	if routeName == nil {
		routeName = func(r *http.Request) string {
			if r.Pattern != "" {
				return r.Pattern
			}
			return "unmatched"
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		code := sw.code
		if code == 0 {
			code = http.StatusOK
		}
		hist.WithLabelValues(routeName(r), method(r.Method), strconv.Itoa(code)).Observe(time.Since(start).Seconds())
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
