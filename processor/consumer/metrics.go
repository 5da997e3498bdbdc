package consumer

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	batchSize      prometheus.Histogram
	insertDuration prometheus.Histogram
	lag            prometheus.Gauge
	deadLetters    *prometheus.CounterVec
	sinkRetries    prometheus.Counter
	redone         prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lrs_processor_batch_size",
			Help:    "Messages per processed batch.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 9),
		}),
		insertDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lrs_processor_insert_duration_seconds",
			Help:    "Duration of each sink write attempt.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lrs_processor_consumer_lag",
			Help: "Messages between the last fetched one and the partition end, from the reader stats.",
		}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lrs_processor_dead_letters_total",
			Help: "Messages written to the dead-letter topic, by cause (malformed, rejected).",
		}, []string{"cause"}),
		sinkRetries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lrs_processor_sink_retries_total",
			Help: "Sink writes retried after an error.",
		}),
		redone: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lrs_processor_batches_redone_total",
			Help: "Unfinished batches of a stopped member read back from Kafka and stored again under their token.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.batchSize, m.insertDuration, m.lag, m.deadLetters, m.sinkRetries, m.redone} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register consumer metrics: %w", err)
	}
	return m, nil
}
