package loadgen

import (
	"context"
	"os"
	"testing"
	"time"
)

func options(url string) Options {
	return Options{BaseURL: url, Key: "key", Secret: "secret", Workers: 4, Batch: 10,
		Warmup: 200 * time.Millisecond, Duration: time.Second, RYWRate: 20, ListRate: 20, PoolStatements: 400}
}

// The read-your-write figure is ack → visible by statementId; a
// statement the LRS shows 150 ms after storing it cannot measure less.
func TestRun_MeasuresThroughputLatencyAndReadYourWriteLag(t *testing.T) {
	lrs, url := newFakeLRS(t, 150*time.Millisecond)
	opt := options(url)
	opt.ServerPID = os.Getpid() // the fake serves from this process
	rep, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := lrs.count()
	if rep.Statements <= 0 || rep.Total > int64(stored) || rep.PerSecond <= 0 || rep.Latency.N == 0 {
		t.Fatalf("statements %d of %d (LRS stored %d), %.0f/s, %d latencies", rep.Statements, rep.Total, stored,
			rep.PerSecond, rep.Latency.N)
	}
	if rep.Window < 900*time.Millisecond || rep.Window > 2*time.Second {
		t.Errorf("window %s, want about the 1 s asked for", rep.Window)
	}
	c := rep.Consistency
	if c.ReadYourWrite.N < 10 || c.ReadYourWrite.P50 < 150*time.Millisecond || c.NotVisible != 0 {
		t.Errorf("read-your-write %v, %d not visible; want ≥ 10 samples, p50 ≥ 150 ms", c.ReadYourWrite, c.NotVisible)
	}
	if c.ConsistentThroughLag.N < 10 || c.ConsistentThroughLag.P50 < 150*time.Millisecond {
		t.Errorf("Consistent-Through lag %v, want ≥ 10 samples ≥ 150 ms", c.ConsistentThroughLag)
	}
	if c.Checked == 0 || c.Overstated != 0 {
		t.Errorf("honest LRS: %d overstated of %d checks, want 0 of > 0", c.Overstated, c.Checked)
	}
	if rep.ServerCPU <= 0 || rep.ServerPeakRSS <= 0 || rep.Failures.Total() != 0 {
		t.Errorf("server CPU %s, peak RSS %d, failures %s", rep.ServerCPU, rep.ServerPeakRSS, rep.Failures)
	}
	if len(rep.IDs) == 0 {
		t.Error("no acknowledged client id sampled")
	}
}

// Consistent-Through must never be overstated: an LRS that claims "now"
// while statements take 150 ms to show is caught.
func TestRun_ReportsOverstatedConsistentThrough(t *testing.T) {
	lrs, url := newFakeLRS(t, 150*time.Millisecond)
	lrs.overstate = true
	rep, err := Run(context.Background(), options(url))
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Consistency; c.Overstated == 0 || c.Example == "" {
		t.Fatalf("overstating LRS: %d overstated of %d checks, example %q; want > 0", c.Overstated, c.Checked, c.Example)
	}
}

func TestRun_CountsFailedRequestsByStatus(t *testing.T) {
	lrs, url := newFakeLRS(t, 0)
	lrs.postFail = 503
	opt := options(url)
	opt.RYWRate, opt.ListRate = 0, 0
	rep, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Statements != 0 || rep.Failures[503] == 0 || rep.Failures.ServerErrors() != rep.Failures.Total() {
		t.Fatalf("statements %d, failures %s; want none acknowledged and 503s counted", rep.Statements, rep.Failures)
	}
}

func TestRun_GETProbeRunsEveryFilter(t *testing.T) {
	_, url := newFakeLRS(t, 0)
	opt := options(url)
	opt.GETRate, opt.Duration = 100, 1500*time.Millisecond
	rep, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Filters {
		if g := rep.GETs[f]; g.Latency.N == 0 || g.Failures.Total() != 0 {
			t.Errorf("GET %s: %v, failures %s", f, g.Latency, g.Failures)
		}
	}
}

func TestRun_ReadersGETStatementsByID(t *testing.T) {
	_, url := newFakeLRS(t, 0)
	opt := options(url)
	opt.RYWRate, opt.ListRate = 0, 0
	first, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	read := Options{BaseURL: url, Key: "key", Secret: "secret", Readers: 4, ReadIDs: first.IDs, Duration: 500 * time.Millisecond}
	rep, err := Run(context.Background(), read)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reads == 0 || rep.ReadsPerSecond <= 0 || rep.ReadLatency.N == 0 || rep.ReadFailures.Total() != 0 {
		t.Fatalf("reads %d (%.0f/s), latency %v, failures %s", rep.Reads, rep.ReadsPerSecond, rep.ReadLatency, rep.ReadFailures)
	}
}

// With Statements the window ends once that many are acknowledged, and
// ProgressEvery reports the rate of every step.
func TestRun_StopsAfterStatementsWithAStepEach(t *testing.T) {
	_, url := newFakeLRS(t, 0)
	opt := options(url)
	opt.Warmup, opt.Duration, opt.Statements, opt.ProgressEvery = 0, 0, 2000, 500
	var seen []Step
	opt.Progress = func(s Step) { seen = append(seen, s) }
	rep, err := Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total < 2000 || rep.Total > 2000+int64(opt.Workers*opt.Batch) {
		t.Errorf("acknowledged %d, want 2000 (+ the requests in flight)", rep.Total)
	}
	if len(rep.Steps) != 4 || len(seen) != 4 || rep.Steps[3].Statements < 2000 || rep.Steps[0].PerSecond <= 0 {
		t.Errorf("steps %+v (callback saw %d), want 4", rep.Steps, len(seen))
	}
}
