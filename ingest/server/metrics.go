package server

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	statements *prometheus.CounterVec
	publish    prometheus.Histogram
	// The outcomes of every successful request, resolved once.
	published, unchanged prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		statements: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lrs_ingest_statements_total",
			Help: "Statements received, by outcome (published, unchanged, conflict, invalid, unavailable).",
		}, []string{"outcome"}),
		publish: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lrs_ingest_publish_duration_seconds",
			Help:    "Time from the start of a publish to the durable acknowledgement of all its statements.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}),
	}
	m.published, m.unchanged = m.statements.WithLabelValues("published"), m.statements.WithLabelValues("unchanged")
	for _, c := range []prometheus.Collector{m.statements, m.publish} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register ingest metrics: %w", err)
		}
	}
	return m, nil
}
