package walqueue

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/platform/promreg"
)

type metrics struct {
	appended       prometheus.Counter
	stored         prometheus.Counter
	rejected       prometheus.Counter
	refused        *prometheus.CounterVec
	appendSeconds  prometheus.Histogram
	appendFailures prometheus.Counter
	reopened       prometheus.Counter
	lookupSeconds  prometheus.Histogram
	insertSeconds  prometheus.Histogram
	insertFailures prometheus.Counter
	batchRows      prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	var s promreg.Set
	m := &metrics{
		appended: s.Counter("lrs_wal_statements_appended_total",
			"Statements written to the write-ahead log (acknowledged)."),
		stored: s.Counter("lrs_wal_statements_stored_total",
			"Statements of the write-ahead log inserted into the store."),
		rejected: s.Counter("lrs_wal_statements_rejected_total",
			"Acknowledged statements the store refused (kept in the dead-letter file; a bug if ever non-zero)."),
		refused: s.CounterVec("lrs_wal_statements_refused_total",
			"Statements not written to the log, by reason (conflict, backlog, client_gone, disk_full).", "reason"),
		appendSeconds: s.Histogram("lrs_wal_append_duration_seconds",
			"Duration of one group-committed append (write + fsync).", prometheus.ExponentialBuckets(0.0001, 2, 16)),
		appendFailures: s.Counter("lrs_wal_append_failures_total",
			"Appends that failed (disk full, I/O error): their requests got 503."),
		reopened: s.Counter("lrs_wal_reopens_total",
			"Times the write-ahead log was closed and opened again after a failed append."),
		lookupSeconds: s.Histogram("lrs_wal_id_lookup_duration_seconds",
			"Duration of the store lookup of client-chosen ids before an append.", prometheus.ExponentialBuckets(0.0001, 2, 16)),
		insertSeconds: s.Histogram("lrs_wal_insert_duration_seconds",
			"Duration of one batch insert into the store.", prometheus.ExponentialBuckets(0.001, 2, 14)),
		insertFailures: s.Counter("lrs_wal_insert_failures_total", "Batch inserts that failed and were retried."),
		batchRows: s.Histogram("lrs_wal_batch_statements", "Statements per batch insert.",
			prometheus.ExponentialBuckets(1, 4, 10)),
	}
	if err := s.Register(reg, "write-ahead log"); err != nil {
		return nil, err
	}
	return m, nil
}

// pendingCollector reports the backlog at scrape time.
type pendingCollector struct {
	q          *Queue
	statements *prometheus.Desc
	bytes      *prometheus.Desc
}

// RegisterBacklog registers gauges of the statements and bytes waiting to be
// stored.
func (q *Queue) RegisterBacklog(reg prometheus.Registerer) error {
	c := pendingCollector{q: q,
		statements: prometheus.NewDesc("lrs_wal_pending_statements", "Statements acknowledged but not stored yet.", nil, nil),
		bytes:      prometheus.NewDesc("lrs_wal_pending_bytes", "Bytes of the log records acknowledged but not stored yet.", nil, nil)}
	if err := reg.Register(c); err != nil {
		return fmt.Errorf("register write-ahead log backlog: %w", err)
	}
	return nil
}

func (c pendingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.statements; ch <- c.bytes }

func (c pendingCollector) Collect(ch chan<- prometheus.Metric) {
	c.q.pend.mu.RLock()
	n, b := len(c.q.pend.order), c.q.pend.bytes
	c.q.pend.mu.RUnlock()
	ch <- prometheus.MustNewConstMetric(c.statements, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(b))
}
