package publish

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/platform/promreg"
)

type metrics struct {
	produceDuration prometheus.Histogram
	produceErrors   prometheus.Counter
	heartbeats      *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, inflight func() float64) (*metrics, error) {
	var s promreg.Set
	m := &metrics{
		produceDuration: s.Histogram("lrs_ingest_produce_duration_seconds",
			"Time from handing statements to Kafka to their acknowledgement (acks=all).",
			[]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}),
		produceErrors: s.Counter("lrs_ingest_produce_errors_total", "Publish calls that Kafka did not acknowledge."),
		heartbeats: s.CounterVec("lrs_ingest_heartbeats_total",
			"Heartbeat rounds written to every partition, by result.", "result"),
	}
	s.GaugeFunc("lrs_ingest_inflight_statements", "Statements stored but not yet acknowledged by Kafka.", inflight)
	if err := s.Register(reg, "publish"); err != nil {
		return nil, err
	}
	return m, nil
}
