package promreg

import (
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestSet_RegistersEveryCollectorItCreated(t *testing.T) {
	var s Set
	c := s.Counter("c_total", "a counter")
	v := s.CounterVec("v_total", "a counter by label", "kind")
	g := s.Gauge("g", "a gauge")
	s.GaugeFunc("f", "a gauge func", func() float64 { return 7 })
	h := s.Histogram("h_seconds", "a histogram", []float64{1, 2})
	c.Inc()
	v.WithLabelValues("x").Add(2)
	g.Set(3)
	h.Observe(1.5)
	reg := prometheus.NewPedanticRegistry()
	if err := s.Register(reg, "test"); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP c_total a counter
# TYPE c_total counter
c_total 1
# HELP f a gauge func
# TYPE f gauge
f 7
# HELP g a gauge
# TYPE g gauge
g 3
# HELP v_total a counter by label
# TYPE v_total counter
v_total{kind="x"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "c_total", "f", "g", "v_total"); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg, "h_seconds"); err != nil || n != 1 {
		t.Fatalf("histogram gathered %d times (%v), want 1", n, err)
	}
}

func TestSet_NilRegistryRegistersNothing(t *testing.T) {
	var s Set
	c := s.Counter("c_total", "a counter")
	if err := s.Register(nil, "test"); err != nil {
		t.Fatal(err)
	}
	c.Inc() // still usable
	if got := testutil.ToFloat64(c); got != 1 {
		t.Fatalf("counter = %v, want 1", got)
	}
}

func TestSet_ReportsEveryFailureWithContext(t *testing.T) {
	reg := prometheus.NewRegistry()
	var first Set
	first.Counter("a_total", "a")
	first.Gauge("b", "b")
	if err := first.Register(reg, "first"); err != nil {
		t.Fatal(err)
	}
	var second Set
	second.Counter("a_total", "a")
	second.Gauge("c", "c")
	second.Gauge("b", "b")
	err := second.Register(reg, "second")
	var are prometheus.AlreadyRegisteredError
	if !errors.As(err, &are) {
		t.Fatalf("err = %v, want an AlreadyRegisteredError", err)
	}
	if !strings.HasPrefix(err.Error(), "register second metrics: ") || strings.Count(err.Error(), "duplicate") != 2 {
		t.Fatalf("err = %q, want both failures under \"register second metrics\"", err)
	}
	if n, err := testutil.GatherAndCount(reg, "c"); err != nil || n != 1 {
		t.Fatalf("c gathered %d times (%v): the collectors after a failure must still be registered", n, err)
	}
}
