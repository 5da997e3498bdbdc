// Package promreg creates a component's Prometheus collectors and registers
// them on the registry its caller injects.
package promreg

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Set creates collectors and remembers them for Register. The zero value is
// ready to use.
type Set struct {
	cs []prometheus.Collector
}

// Counter creates a counter.
func (s *Set) Counter(name, help string) prometheus.Counter {
	return add(s, prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help}))
}

// CounterVec creates a counter with the given labels.
func (s *Set) CounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return add(s, prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels))
}

// Gauge creates a gauge.
func (s *Set) Gauge(name, help string) prometheus.Gauge {
	return add(s, prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help}))
}

// GaugeFunc creates a gauge whose value is f's at scrape time.
func (s *Set) GaugeFunc(name, help string, f func() float64) prometheus.GaugeFunc {
	return add(s, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// Histogram creates a histogram with the given bucket upper bounds.
func (s *Set) Histogram(name, help string, buckets []float64) prometheus.Histogram {
	return add(s, prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}))
}

func add[C prometheus.Collector](s *Set, c C) C {
	s.cs = append(s.cs, c)
	return c
}

// Register registers every collector of s on reg and reports every failure
// at once, as "register <what> metrics: …" (errors.As finds each
// prometheus.AlreadyRegisteredError). A nil reg registers nothing: the
// collectors still count, unexported.
func (s *Set) Register(reg prometheus.Registerer, what string) error {
	if reg == nil {
		return nil
	}
	var errs []error
	for _, c := range s.cs {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("register %s metrics: %w", what, err)
	}
	return nil
}
