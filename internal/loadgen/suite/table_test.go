package suite

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/internal/loadgen"
)

func TestProblems_OverstatementServerErrorsAndEmptyWindows(t *testing.T) {
	rep := loadgen.Report{Options: loadgen.Options{Workers: 8, Batch: 100, RYWRate: 4, ListRate: 5},
		Failures: loadgen.Statuses{503: 3, 409: 1}}
	rep.Consistency = loadgen.Consistency{Overstated: 2, Checked: 10, Example: "statement x",
		ConsistentThroughLag: loadgen.Summary{N: 1}, ReadYourWrite: loadgen.Summary{N: 1}}
	p := Result{Scenarios: []Scenario{{Name: "a", Report: rep}}}.Problems()
	want := []string{"no statement acknowledged", "POST answered 5xx: 409×1 503×3", "overstated 2 times, e.g. statement x"}
	if len(p) != len(want) {
		t.Fatalf("problems %q, want %d", p, len(want))
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(p, "\n"), w) {
			t.Errorf("problems %q lack %q", p, w)
		}
	}
	rep.Statements, rep.Failures, rep.Consistency.Overstated = 100, loadgen.Statuses{}, 0
	if p := (Result{Scenarios: []Scenario{{Name: "a", Report: rep}}}).Problems(); len(p) != 0 {
		t.Errorf("a clean run has problems %q", p)
	}
}

func TestWriteTable_OnlyMeasuredFiguresAndTheFillSpread(t *testing.T) {
	idle := loadgen.Report{Options: loadgen.Options{RYWRate: 4, ListRate: 10, ProbeTimeout: time.Second}, Window: time.Second}
	idle.Consistency.ConsistentThroughLag = loadgen.Summary{N: 3, P50: time.Millisecond, P99: 2 * time.Millisecond, Max: 2 * time.Millisecond}
	fill := loadgen.Report{Options: loadgen.Options{Workers: 8, Batch: 100, ProbeTimeout: time.Second}, Window: time.Second,
		Statements: 3000, PerSecond: 3000, Steps: []loadgen.Step{{Statements: 1000, PerSecond: 900},
			{Statements: 2000, PerSecond: 1000}, {Statements: 3000, PerSecond: 1100}}}
	var out bytes.Buffer
	Result{Scenarios: []Scenario{{Name: "d: idle", Report: idle}}}.WriteTable(&out)
	if s := out.String(); strings.Contains(s, "| statements/s") || !strings.Contains(s, "| Consistent-Through lag p50 / p99 / max ") ||
		!strings.Contains(s, "| 1.00 ms / 2.00 ms / 2.00 ms (n=3) |") {
		t.Errorf("idle table:\n%s", s)
	}
	out.Reset()
	Result{Scenarios: []Scenario{{Name: "f: fill", Report: fill}}}.WriteTable(&out)
	if s := out.String(); !strings.Contains(s, "| statements/s ") || !strings.Contains(s, "spread: 1000–1100/s, -4.8 % / +4.8 % of the mean 1050/s") {
		t.Errorf("fill table:\n%s", s)
	}
}
