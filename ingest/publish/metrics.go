package publish

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	produceDuration prometheus.Histogram
	produceErrors   prometheus.Counter
	heartbeats      *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, inflight func() float64) (*metrics, error) {
	m := &metrics{
		produceDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "lrs_ingest_produce_duration_seconds",
			Help:    "Time from handing statements to Kafka to their acknowledgement (acks=all).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		produceErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lrs_ingest_produce_errors_total",
			Help: "Publish calls that Kafka did not acknowledge.",
		}),
		heartbeats: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lrs_ingest_heartbeats_total",
			Help: "Heartbeat rounds written to every partition, by result.",
		}, []string{"result"}),
	}
	if reg == nil {
		return m, nil
	}
	gauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "lrs_ingest_inflight_statements",
		Help: "Statements stored but not yet acknowledged by Kafka.",
	}, inflight)
	var errs []error
	for _, c := range []prometheus.Collector{m.produceDuration, m.produceErrors, m.heartbeats, gauge} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register publish metrics: %w", err)
	}
	return m, nil
}
