// Package suite is the ingest benchmark of the all-in-one LRS: it starts the
// real binary on a fresh store, runs a fixed sequence of loadgen scenarios
// against it over HTTP and tabulates every figure (see WriteTable).
package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tributary-lrs/tributary/internal/loadgen"
	"github.com/tributary-lrs/tributary/internal/loadgen/lrsproc"
)

// Config of a suite run. Zero durations take the defaults noted.
type Config struct {
	Command []string // the LRS binary (and leading arguments)
	Env     []string // added to the LRS's environment
	DataDir string   // empty: a fresh temporary store

	Duration     time.Duration // measured window of the write scenarios (default 60 s)
	Warmup       time.Duration // before each window (default Duration/5, at most 5 s)
	ReadDuration time.Duration // GETs by id (default Duration, at most 20 s)
	IdleDuration time.Duration // idle probes (default Duration, at most 10 s)

	// Fill > 0 runs the large-store sequence instead: load until Fill
	// statements are acknowledged (reporting statements/s every FillStep,
	// default 1,000,000), GET filters idle for GETDuration (default
	// Duration) at GETRate requests/s (default 20), then writes with the GET
	// probe, GETs by id and idle probes.
	Fill, FillStep int64
	GETRate        float64
	GETDuration    time.Duration

	Out io.Writer // progress lines (nil: none)
}

func (c Config) withDefaults() Config {
	if c.Duration <= 0 {
		c.Duration = time.Minute
	}
	if c.Warmup <= 0 {
		c.Warmup = min(c.Duration/5, 5*time.Second)
	}
	if c.ReadDuration <= 0 {
		c.ReadDuration = min(c.Duration, 20*time.Second)
	}
	if c.IdleDuration <= 0 {
		c.IdleDuration = min(c.Duration, 10*time.Second)
	}
	if c.FillStep <= 0 {
		c.FillStep = min(1_000_000, max(c.Fill/10, 1))
	}
	if c.GETRate <= 0 {
		c.GETRate = 20
	}
	if c.GETDuration <= 0 {
		c.GETDuration = c.Duration
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	return c
}

// Probe rates of every scenario: a few read-your-write probes and
// Consistent-Through samples a second, cheap next to the load.
const (
	rywRate  = 4
	listRate = 5
)

// Scenario is one measured run.
type Scenario struct {
	Name   string
	Report loadgen.Report
	Err    error
}

// Result is a whole suite run.
type Result struct {
	Machine   Machine
	Config    Config
	Scenarios []Scenario
}

// step is one scenario to run: its options get the LRS's address filled in.
type step struct {
	name string
	opt  func(ids []string) loadgen.Options
}

// Run starts the LRS, runs the scenarios in sequence and stops it. A
// scenario that fails is recorded and the next one still runs; err is only
// about starting or stopping the LRS.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg = cfg.withDefaults()
	res := Result{Config: cfg, Machine: DescribeMachine(ctx, cfg.Command, cfg.Env)}
	fmt.Fprintf(cfg.Out, "== starting %v (data: %s)\n", cfg.Command, orTemp(cfg.DataDir))
	lrs, err := lrsproc.Start(ctx, lrsproc.Options{Command: cfg.Command, Env: cfg.Env, DataDir: cfg.DataDir})
	if err != nil {
		return res, err
	}
	var ids []string // acknowledged ids of the earlier scenarios, for GETs by id
	for _, s := range steps(cfg) {
		opt := s.opt(ids)
		opt.BaseURL, opt.Key, opt.Secret, opt.ServerPID = lrs.URL, lrs.Key, lrs.Secret, lrs.Pid
		fmt.Fprintf(cfg.Out, "== %s\n", s.name)
		rep, err := loadgen.Run(ctx, opt)
		res.Scenarios = append(res.Scenarios, Scenario{Name: s.name, Report: rep, Err: err})
		if err != nil {
			fmt.Fprintf(cfg.Out, "   failed: %v\n", err)
		} else if opt.Workers > 0 {
			fmt.Fprintf(cfg.Out, "   %.0f statements/s\n", rep.PerSecond)
		}
		ids = merge(ids, rep.IDs)
		if ctx.Err() != nil {
			break
		}
	}
	res.Machine.LoadAfter = loadAverage()
	return res, errors.Join(lrs.Stop(), ctx.Err())
}

// merge adds the ids of add not in ids yet.
func merge(ids, add []string) []string {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		seen[id] = true
	}
	for _, id := range add {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func orTemp(dir string) string {
	if dir == "" {
		return "a new temporary directory"
	}
	return dir
}

func steps(cfg Config) []step {
	write := func(workers, batch int) func([]string) loadgen.Options {
		return func(ids []string) loadgen.Options {
			return loadgen.Options{Workers: workers, Batch: batch, Warmup: cfg.Warmup, Duration: cfg.Duration,
				RYWRate: rywRate, ListRate: listRate}
		}
	}
	reads := step{fmt.Sprintf("c: 16 clients GET by id, %s", cfg.ReadDuration), func(ids []string) loadgen.Options {
		return loadgen.Options{Readers: 16, ReadIDs: ids, Warmup: min(cfg.Warmup, 2*time.Second), Duration: cfg.ReadDuration}
	}}
	idle := step{fmt.Sprintf("d: idle, %s", cfg.IdleDuration), func([]string) loadgen.Options {
		return loadgen.Options{Duration: cfg.IdleDuration, RYWRate: rywRate, ListRate: 2 * listRate}
	}}
	if cfg.Fill <= 0 {
		return []step{
			{fmt.Sprintf("a: 8 clients × 100 per POST, %s", cfg.Duration), write(8, 100)},
			{fmt.Sprintf("b: 64 clients × 1 per POST, %s", cfg.Duration), write(64, 1)},
			reads, idle,
		}
	}
	fill := func([]string) loadgen.Options {
		return loadgen.Options{Workers: 8, Batch: 100, Statements: cfg.Fill, ProgressEvery: cfg.FillStep,
			Progress: func(s loadgen.Step) {
				fmt.Fprintf(cfg.Out, "   %d statements after %s: %.0f statements/s\n", s.Statements,
					s.Elapsed.Round(time.Second), s.PerSecond)
			}, RYWRate: rywRate, ListRate: listRate}
	}
	getsIdle := func(ids []string) loadgen.Options {
		return loadgen.Options{Duration: cfg.GETDuration, GETRate: cfg.GETRate, ReadIDs: ids,
			RYWRate: rywRate, ListRate: listRate}
	}
	getsWriting := func(ids []string) loadgen.Options {
		o := write(8, 100)(ids)
		o.GETRate = cfg.GETRate
		return o
	}
	return []step{
		{fmt.Sprintf("f: fill to %d, 8 clients × 100 per POST", cfg.Fill), fill},
		{fmt.Sprintf("g: GET filters idle, %s", cfg.GETDuration), getsIdle},
		{fmt.Sprintf("h: 8 clients × 100 per POST + GET filters, %s", cfg.Duration), getsWriting},
		reads, idle,
	}
}

// Problems lists what no run should show: a failed scenario, a write
// scenario without statements, 5xx answers, an overstated
// Consistent-Through, probes that never became visible, a probe or reader
// that measured nothing.
func (r Result) Problems() []string {
	var out []string
	add := func(s Scenario, f string, a ...any) { out = append(out, s.Name+": "+fmt.Sprintf(f, a...)) }
	for _, s := range r.Scenarios {
		rep, o := s.Report, s.Report.Options
		if s.Err != nil {
			add(s, "%v", s.Err)
		}
		if o.Workers > 0 && rep.Statements == 0 {
			add(s, "no statement acknowledged in the window")
		}
		if o.Readers > 0 && rep.Reads == 0 {
			add(s, "no GET by id answered in the window")
		}
		c := rep.Consistency
		failures := map[string]loadgen.Statuses{"POST": rep.Failures, "GET by id": rep.ReadFailures, "probe": c.Failures}
		for name, g := range rep.GETs {
			failures["GET "+name] = g.Failures
			if g.Latency.N == 0 {
				add(s, "GET %s never answered", name)
			}
		}
		for what, st := range failures {
			if st.ServerErrors() > 0 {
				add(s, "%s answered 5xx: %s", what, st)
			}
		}
		if c.Overstated > 0 {
			add(s, "Consistent-Through overstated %d times, e.g. %s", c.Overstated, c.Example)
		}
		if c.NotVisible > 0 {
			add(s, "%d read-your-write probes never became visible", c.NotVisible)
		}
		if o.RYWRate > 0 && c.ReadYourWrite.N == 0 {
			add(s, "no read-your-write probe completed")
		}
		if o.ListRate > 0 && c.ConsistentThroughLag.N == 0 {
			add(s, "no Consistent-Through sample")
		}
	}
	return out
}
