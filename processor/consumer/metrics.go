package consumer

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/platform/promreg"
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
	var s promreg.Set
	m := &metrics{
		batchSize: s.Histogram("lrs_processor_batch_size", "Messages per processed batch.",
			prometheus.ExponentialBuckets(1, 4, 9)),
		insertDuration: s.Histogram("lrs_processor_insert_duration_seconds", "Duration of each sink write attempt.",
			[]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}),
		lag: s.Gauge("lrs_processor_consumer_lag",
			"Messages between the last fetched one and the partition end, from the reader stats."),
		deadLetters: s.CounterVec("lrs_processor_dead_letters_total",
			"Messages written to the dead-letter topic, by cause (malformed, rejected).", "cause"),
		sinkRetries: s.Counter("lrs_processor_sink_retries_total", "Sink writes retried after an error."),
		redone: s.Counter("lrs_processor_batches_redone_total",
			"Unfinished batches of a stopped member read back from Kafka and stored again under their token."),
	}
	if err := s.Register(reg, "consumer"); err != nil {
		return nil, err
	}
	return m, nil
}
