package sink

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	insertSeconds prometheus.Histogram
	stored        prometheus.Counter
	duplicates    prometheus.Counter
	rejected      prometheus.Counter
	// linksCompleted counts StatementRef inheritances written after both
	// statements were stored (CompleteRefs).
	linksCompleted prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		insertSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lrs_processor_store_insert_duration_seconds", Help: "Duration of one statement batch insert into ClickHouse.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lrs_processor_statements_stored_total", Help: "Statements inserted into ClickHouse."}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lrs_processor_statements_duplicate_total", Help: "Redelivered statements skipped because they were already stored."}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lrs_processor_statements_rejected_total", Help: "Statements refused by the store (invalid or conflicting)."}),
		linksCompleted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lrs_processor_statementref_links_completed_total",
			Help: "StatementRef inheritances written after the referring statement was stored (its target came later or concurrently, or a crash interrupted the write)."}),
	}
	for _, c := range []prometheus.Collector{m.insertSeconds, m.stored, m.duplicates, m.rejected, m.linksCompleted} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register sink metrics: %w", err)
		}
	}
	return m, nil
}
