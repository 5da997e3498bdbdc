package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/platform/promreg"
)

type metrics struct {
	statements *prometheus.CounterVec
	publish    prometheus.Histogram
	// The outcomes of every successful request, resolved once.
	published, unchanged prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	var s promreg.Set
	m := &metrics{
		statements: s.CounterVec("lrs_ingest_statements_total",
			"Statements received, by outcome (published, unchanged, conflict, invalid, unavailable).", "outcome"),
		publish: s.Histogram("lrs_ingest_publish_duration_seconds",
			"Time from the start of a publish to the durable acknowledgement of all its statements.",
			prometheus.ExponentialBuckets(0.0005, 2, 16)),
	}
	m.published, m.unchanged = m.statements.WithLabelValues("published"), m.statements.WithLabelValues("unchanged")
	if err := s.Register(reg, "ingest"); err != nil {
		return nil, err
	}
	return m, nil
}
