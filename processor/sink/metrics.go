package sink

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/platform/promreg"
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
	var s promreg.Set
	m := &metrics{
		insertSeconds: s.Histogram("lrs_processor_store_insert_duration_seconds",
			"Duration of one statement batch insert into ClickHouse.", prometheus.ExponentialBuckets(0.001, 2, 14)),
		stored: s.Counter("lrs_processor_statements_stored_total", "Statements inserted into ClickHouse."),
		duplicates: s.Counter("lrs_processor_statements_duplicate_total",
			"Redelivered statements skipped because they were already stored."),
		rejected: s.Counter("lrs_processor_statements_rejected_total",
			"Statements refused by the store (invalid or conflicting)."),
		linksCompleted: s.Counter("lrs_processor_statementref_links_completed_total",
			"StatementRef inheritances written after the referring statement was stored (its target came later or concurrently, or a crash interrupted the write)."),
	}
	if err := s.Register(reg, "sink"); err != nil {
		return nil, err
	}
	return m, nil
}
