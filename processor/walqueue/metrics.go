package walqueue

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
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
	m := &metrics{
		appended: prometheus.NewCounter(prometheus.CounterOpts{Name: "lrs_wal_statements_appended_total",
			Help: "Statements written to the write-ahead log (acknowledged)."}),
		stored: prometheus.NewCounter(prometheus.CounterOpts{Name: "lrs_wal_statements_stored_total",
			Help: "Statements of the write-ahead log inserted into the store."}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{Name: "lrs_wal_statements_rejected_total",
			Help: "Acknowledged statements the store refused (kept in the dead-letter file; a bug if ever non-zero)."}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lrs_wal_statements_refused_total",
			Help: "Statements not written to the log, by reason (conflict, backlog, client_gone, disk_full)."}, []string{"reason"}),
		appendSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lrs_wal_append_duration_seconds",
			Help: "Duration of one group-committed append (write + fsync).", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		appendFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "lrs_wal_append_failures_total",
			Help: "Appends that failed (disk full, I/O error): their requests got 503."}),
		reopened: prometheus.NewCounter(prometheus.CounterOpts{Name: "lrs_wal_reopens_total",
			Help: "Times the write-ahead log was closed and opened again after a failed append."}),
		lookupSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lrs_wal_id_lookup_duration_seconds",
			Help: "Duration of the store lookup of client-chosen ids before an append.", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		insertSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lrs_wal_insert_duration_seconds",
			Help: "Duration of one batch insert into the store.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
		insertFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "lrs_wal_insert_failures_total",
			Help: "Batch inserts that failed and were retried."}),
		batchRows: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "lrs_wal_batch_statements",
			Help: "Statements per batch insert.", Buckets: prometheus.ExponentialBuckets(1, 4, 10)}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.appended, m.stored, m.rejected, m.refused, m.appendSeconds,
		m.appendFailures, m.reopened, m.lookupSeconds, m.insertSeconds, m.insertFailures, m.batchRows} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register write-ahead log metrics: %w", err)
		}
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
