// Package loadgen drives an LRS over HTTP and measures it: concurrent
// writers POST pre-generated batches of realistic statements; alongside
// them, probes measure read-your-write lag (a PUT with a client-chosen id
// until GET ?statementId= finds it), the lag of
// X-Experience-API-Consistent-Through and whether it is ever overstated, and
// the latency of every GET filter; readers GET statements by id. With the
// server's pid it also measures the server's CPU time and peak RSS.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Options of a run. Zero values take the defaults noted.
type Options struct {
	BaseURL     string // e.g. http://127.0.0.1:8080/xapi
	Key, Secret string
	Version     string // X-Experience-API-Version (default 1.0.3)

	Workers int // concurrent writers (0: none)
	Batch   int // statements per POST (default 100)
	// Warmup runs before the measured window and is left out of every
	// figure but the failures; Duration is the measured window.
	Warmup, Duration time.Duration
	// Statements ends the window once this many statements were
	// acknowledged (0: after Duration).
	Statements int64
	// ProgressEvery reports a Step every this many acknowledged statements.
	ProgressEvery int64
	Progress      func(Step)

	Readers int      // concurrent clients of GET ?statementId= (0: none)
	ReadIDs []string // ids they GET (default: the newest 10,000 stored)

	RYWRate      float64       // read-your-write probes per second (0: off)
	ListRate     float64       // Consistent-Through samples per second (0: off)
	PollInterval time.Duration // read-your-write poll (default 10 ms)
	ProbeTimeout time.Duration // a probe not visible by then fails (default 30 s)
	GETRate      float64       // GET filter probe requests per second (0: off)

	ServerPID      int    // process whose CPU time and peak RSS are measured (0: none)
	Seed           uint64 // of the generated statements (default 1)
	PoolStatements int    // statements generated before the run (default 20,000)
}

func (o Options) withDefaults() Options {
	if o.Version == "" {
		o.Version = "1.0.3"
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 10 * time.Millisecond
	}
	if o.ProbeTimeout <= 0 {
		o.ProbeTimeout = 30 * time.Second
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.PoolStatements <= 0 {
		o.PoolStatements = 20000
	}
	return o
}

// Step is the throughput of one ProgressEvery statements.
type Step struct {
	Statements int64         // acknowledged so far
	Elapsed    time.Duration // since the run started
	PerSecond  float64       // over this step
}

// Report is what a run measured. Rates, latencies and CPU times cover the
// measured window; failures the whole run.
type Report struct {
	Options        Options
	StatementBytes int // average size of a generated statement as sent
	Window         time.Duration

	Statements, Requests int64 // acknowledged in the window
	Total                int64 // statements acknowledged in the whole run
	PerSecond            float64
	Latency              Summary // of the write requests answered in the window
	Failures             Statuses

	Reads          int64
	ReadsPerSecond float64
	ReadLatency    Summary
	ReadFailures   Statuses

	ServerCPU, ClientCPU time.Duration
	ServerPeakRSS        int64 // bytes (VmHWM)

	Consistency Consistency
	GETs        map[string]FilterResult // by filter, when the GET probe ran
	Steps       []Step
	// IDs is a sample of the acknowledged client-chosen ids.
	IDs []string
}

// PerStatement divides a CPU time by the statements of the window.
func (r Report) PerStatement(cpu time.Duration) time.Duration {
	if r.Statements == 0 {
		return 0
	}
	return cpu / time.Duration(r.Statements)
}

// run is the state of one Run shared by its goroutines.
type run struct {
	opt       Options
	c         *client
	bodies    *Bodies
	ids       *idSample
	stop      chan struct{} // closed when the window ends
	reached   chan struct{} // closed when Statements were acknowledged
	reachOnce sync.Once
	measuring atomic.Bool
	acked     atomic.Int64
	reads     atomic.Int64
	writes    *recorder
	readRec   *recorder
	progress  *progress
}

// Run drives the load and returns what it measured.
func Run(ctx context.Context, opt Options) (Report, error) {
	opt = opt.withDefaults()
	if opt.Duration <= 0 && opt.Statements <= 0 {
		return Report{}, errors.New("set a duration or a number of statements")
	}
	c, err := newClient(opt, opt.Workers+opt.Readers+maxProbesInFlight+40)
	if err != nil {
		return Report{}, err
	}
	r := &run{opt: opt, c: c, ids: newIDSample(idSampleSize), stop: make(chan struct{}), reached: make(chan struct{}),
		writes: newRecorder(), readRec: newRecorder()}
	rep := Report{Options: opt}
	if opt.Workers > 0 {
		if r.bodies, err = NewBodies(opt.Seed, opt.Batch, opt.PoolStatements); err != nil {
			return rep, err
		}
		rep.StatementBytes = r.bodies.AverageStatementBytes()
	}
	readIDs := opt.ReadIDs
	if opt.Readers > 0 && len(readIDs) == 0 {
		if readIDs, err = collectIDs(ctx, c, 10000); err != nil {
			return rep, fmt.Errorf("readers: %w", err)
		}
	}
	for _, id := range readIDs {
		r.ids.add([]byte(id))
	}
	start := time.Now()
	r.progress = newProgress(start, opt.ProgressEvery, opt.Progress)
	var load sync.WaitGroup
	for w := range opt.Workers {
		load.Go(func() { r.write(ctx, w) })
	}
	for i := range opt.Readers {
		load.Go(func() { r.read(ctx, i, readIDs) })
	}

	// The window.
	if opt.Warmup > 0 && !r.sleep(ctx, opt.Warmup) {
		close(r.stop)
		load.Wait()
		return rep, ctx.Err()
	}
	s0, acked0, reads0 := sampleCPU(opt.ServerPID), r.acked.Load(), r.reads.Load()
	r.measuring.Store(true)
	pr := newProber(c, opt.PollInterval, opt.ProbeTimeout)
	gp := newGetProbe(c, r.ids, opt.Seed)
	var probes sync.WaitGroup
	probes.Go(func() { pr.run(ctx, r.stop, opt.RYWRate, opt.ListRate) })
	if opt.GETRate > 0 {
		probes.Go(func() { gp.run(ctx, r.stop, opt.GETRate) })
	}
	r.sleep(ctx, opt.Duration)
	r.measuring.Store(false)
	s1, acked1, reads1 := sampleCPU(opt.ServerPID), r.acked.Load(), r.reads.Load()
	close(r.stop)
	load.Wait()
	probes.Wait()

	rep.Window = s1.at.Sub(s0.at)
	rep.Statements, rep.Total, rep.Reads = acked1-acked0, r.acked.Load(), reads1-reads0
	if secs := rep.Window.Seconds(); secs > 0 {
		rep.PerSecond, rep.ReadsPerSecond = float64(rep.Statements)/secs, float64(rep.Reads)/secs
	}
	rep.Latency, rep.Failures = r.writes.summary()
	rep.Requests = int64(rep.Latency.N)
	rep.ReadLatency, rep.ReadFailures = r.readRec.summary()
	rep.ServerCPU, rep.ClientCPU = s1.server-s0.server, s1.client-s0.client
	rep.Consistency = pr.result()
	if opt.GETRate > 0 {
		rep.GETs = gp.result()
	}
	rep.Steps = r.progress.steps()
	rep.IDs = r.ids.all()
	errs := []error{s0.serverErr, s1.serverErr}
	if opt.ServerPID > 0 {
		var err error
		rep.ServerPeakRSS, err = PeakRSS(opt.ServerPID)
		errs = append(errs, err)
	}
	return rep, errors.Join(append(errs, ctx.Err())...)
}

// sleep waits d, or until the run must stop early (ctx done, Statements
// reached); d <= 0 waits only for the latter when Statements is set, not at
// all otherwise. It reports whether the run may go on.
func (r *run) sleep(ctx context.Context, d time.Duration) bool {
	var timer <-chan time.Time
	switch {
	case d > 0:
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	case r.opt.Statements <= 0:
		return ctx.Err() == nil
	}
	select {
	case <-timer:
		return true
	case <-r.reached:
		return true
	case <-ctx.Done():
		return false
	}
}

// stopped says whether the window has ended or Statements were reached.
func (r *run) stopped() bool {
	select {
	case <-r.stop:
		return true
	case <-r.reached:
		return true
	default:
		return false
	}
}

// write POSTs bodies until the window ends.
func (r *run) write(ctx context.Context, w int) {
	var buf []byte
	for !r.stopped() && ctx.Err() == nil {
		raw, n, first := r.bodies.Next(buf)
		if first != nil {
			buf = raw
		}
		t0 := time.Now()
		a, _ := r.c.do(ctx, http.MethodPost, "/statements", raw, false)
		d := time.Since(t0)
		if a.status != http.StatusOK {
			if ctx.Err() == nil {
				r.writes.fail(a.status)
				time.Sleep(100 * time.Millisecond) // let an overloaded LRS recover
			}
			continue
		}
		if r.measuring.Load() {
			r.writes.ok(d)
		}
		if first != nil {
			r.ids.add(first)
		}
		after := r.acked.Add(int64(n))
		r.progress.add(after, int64(n))
		if r.opt.Statements > 0 && after >= r.opt.Statements {
			r.reachOnce.Do(func() { close(r.reached) })
		}
	}
}

// read GETs statements by id until the window ends.
func (r *run) read(ctx context.Context, i int, ids []string) {
	// Each reader picks ids uniformly at random (its own sequence): no
	// reader dwells on the newest, which the LRS may have at hand.
	rnd := rand.New(rand.NewPCG(uint64(i), 7919))
	for !r.stopped() && ctx.Err() == nil {
		t0 := time.Now()
		a, _ := r.c.do(ctx, http.MethodGet, query("statementId", ids[rnd.IntN(len(ids))]), nil, false)
		if a.status != http.StatusOK {
			if ctx.Err() == nil {
				r.readRec.fail(a.status)
			}
			continue
		}
		if r.measuring.Load() {
			r.readRec.ok(time.Since(t0))
		}
		r.reads.Add(1)
	}
}

// idSampleSize is how many acknowledged ids a run keeps for the GETs by id
// that follow: more than an all-in-one LRS keeps at hand (25,000 recent
// statements), so those GETs mostly read the store.
const idSampleSize = 100000

// progress turns acknowledged counts into Steps.
type progress struct {
	mu     sync.Mutex
	every  int64
	fn     func(Step)
	start  time.Time
	last   time.Time
	lastN  int64
	result []Step
}

func newProgress(start time.Time, every int64, fn func(Step)) *progress {
	return &progress{every: every, fn: fn, start: start, last: start}
}

// add notes that n more statements were acknowledged, after in all.
func (p *progress) add(after, n int64) {
	if p.every <= 0 || after/p.every == (after-n)/p.every {
		return
	}
	p.mu.Lock()
	now := time.Now()
	s := Step{Statements: after, Elapsed: now.Sub(p.start),
		PerSecond: float64(after-p.lastN) / now.Sub(p.last).Seconds()}
	p.last, p.lastN = now, after
	p.result = append(p.result, s)
	defer p.mu.Unlock()
	if p.fn != nil {
		p.fn(s) // under the lock: steps are reported one at a time, in order
	}
}

func (p *progress) steps() []Step {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Step(nil), p.result...)
}
