package suite

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/internal/roles"
)

// When runLRS is set, the test binary is the LRS: the smoke test starts it
// as the all-in-one child process the benchmark measures (as bin/tributary
// would be).
const runLRS = "TRIBUTARY_BENCH_TEST_RUN_LRS"

func TestMain(m *testing.M) {
	if os.Getenv(runLRS) == "1" {
		os.Exit(roles.Main(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// make bench-ingest in miniature: every scenario for 2 s against the real
// all-in-one process over HTTP must acknowledge statements, answer GETs by
// id and give lag samples, with no 5xx, no probe left invisible and no
// overstated Consistent-Through (Result.Problems).
func TestBenchIngest_SaneFiguresFromTheAllInOneProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := Run(ctx, Config{Command: []string{os.Args[0]}, Env: []string{runLRS + "=1"},
		Duration: 2 * time.Second, Warmup: 500 * time.Millisecond, Out: logWriter{t}})
	var table bytes.Buffer
	res.WriteTable(&table)
	t.Log("\n" + table.String())
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Problems(); len(p) > 0 {
		t.Fatalf("problems:\n%s", strings.Join(p, "\n"))
	}
	if len(res.Scenarios) != 4 {
		t.Fatalf("%d scenarios, want a, b, c, d", len(res.Scenarios))
	}
	a, b, c, d := res.Scenarios[0].Report, res.Scenarios[1].Report, res.Scenarios[2].Report, res.Scenarios[3].Report
	if a.PerSecond <= 0 || b.PerSecond <= 0 || a.Options.Batch != 100 || b.Options.Batch != 1 {
		t.Errorf("statements/s %.0f (batch %d), %.0f (batch %d)", a.PerSecond, a.Options.Batch, b.PerSecond, b.Options.Batch)
	}
	if a.ServerCPU <= 0 || a.PerStatement(a.ServerCPU) <= 0 || a.ServerPeakRSS < 10<<20 {
		t.Errorf("server CPU %s, peak RSS %d: not measured", a.ServerCPU, a.ServerPeakRSS)
	}
	if c.ReadsPerSecond <= 0 || c.ReadLatency.P99 <= 0 {
		t.Errorf("GETs by id: %.0f/s, %v", c.ReadsPerSecond, c.ReadLatency)
	}
	if dc := d.Consistency; dc.ConsistentThroughLag.N == 0 || dc.Checked == 0 {
		t.Errorf("idle: Consistent-Through %v, %d checks", dc.ConsistentThroughLag, dc.Checked)
	}
	if !strings.Contains(res.Machine.Build, "commit") || res.Machine.CPUs < 1 {
		t.Errorf("machine %+v: want the binary's commit and the CPUs", res.Machine)
	}
	for _, want := range []string{"| statements/s ", "| server CPU per statement ", "| read-your-write p50 / p99 / max ",
		"| Consistent-Through overstated ", "| GETs by id/s "} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table has no row %q", want)
		}
	}
}
