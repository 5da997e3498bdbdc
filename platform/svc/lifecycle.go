package svc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/platform/config"
)

// Phase is a step of the shutdown order every service follows. Phases run in
// this order; within a phase, steps run one after another, the last
// registered first (like defer).
type Phase int

const (
	// PhaseNotReady marks the process not ready (done by the Lifecycle itself)
	// so load balancers stop routing to it.
	PhaseNotReady Phase = iota
	// PhaseHTTP stops accepting connections and drains in-flight requests.
	PhaseHTTP
	// PhaseWorkers stops background producers and consumers; each finishes
	// its current batch.
	PhaseWorkers
	// PhaseClients flushes and closes clients (Kafka writer and reader).
	PhaseClients
	// PhaseStore closes the store.
	PhaseStore
	numPhases
)

var phaseNames = [numPhases]string{"not-ready", "http", "workers", "clients", "store"}

func (p Phase) String() string {
	if p < 0 || p >= numPhases {
		return fmt.Sprintf("phase(%d)", int(p))
	}
	return phaseNames[p]
}

// StopFunc stops a component. ctx expires after the step timeout; a StopFunc
// that ignores it is abandoned when it expires and the shutdown goes on.
type StopFunc func(ctx context.Context) error

type step struct {
	name string
	fn   StopFunc
}

// ErrStepTimeout is wrapped by Run's error for every step that exceeded the
// step timeout.
var ErrStepTimeout = errors.New("shutdown step timed out")

// Lifecycle runs a process: components start themselves and register how to
// stop (OnStop, Go); Run waits until its context ends or a component fails,
// then stops everything in Phase order, each step bounded by
// config.Shutdown.StepTimeout. Register before Run; a step registered for a
// phase that has already run is never called.
type Lifecycle struct {
	log     *slog.Logger
	timeout time.Duration
	ready   *Readiness

	mu    sync.Mutex
	steps [numPhases][]step
	ran   bool

	failOnce sync.Once
	failed   chan struct{}
	failErr  error
}

// NewLifecycle returns a Lifecycle whose steps are each bounded by
// cfg.StepTimeout (10s when not positive).
func NewLifecycle(log *slog.Logger, cfg config.Shutdown) *Lifecycle {
	t := cfg.StepTimeout
	if t <= 0 {
		t = 10 * time.Second
	}
	return &Lifecycle{log: log, timeout: t, ready: NewReadiness(), failed: make(chan struct{})}
}

// Readiness is the readiness the Lifecycle marks not ready when shutdown
// begins; pass it to NewServer and add dependency checks to it.
func (l *Lifecycle) Readiness() *Readiness { return l.ready }

// OnStop registers fn as a shutdown step of phase p.
func (l *Lifecycle) OnStop(p Phase, name string, fn StopFunc) {
	if p < 0 || p >= numPhases {
		panic(fmt.Sprintf("svc: OnStop(%d, %q): no such phase", p, name))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.steps[p] = append(l.steps[p], step{name: name, fn: fn})
}

// Go runs a long-lived component in the background. Its ctx is cancelled
// when phase p is reached in the shutdown, and that step waits for run to
// return (bounded by the step timeout); run should finish its current batch
// on a detached context before returning. If run returns before then, with
// or without an error, the component has failed: the shutdown starts and Run
// returns the error.
func (l *Lifecycle) Go(p Phase, name string, run func(ctx context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		err := run(ctx)
		if ctx.Err() == nil {
			if err == nil {
				err = errors.New("exited before shutdown")
			}
			l.Fail(name, err)
		}
		done <- err
	}()
	l.OnStop(p, name, func(stepCtx context.Context) error {
		cancel()
		select {
		case err := <-done:
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		case <-stepCtx.Done():
			return stepCtx.Err()
		}
	})
}

// Fail reports that a component cannot go on; the first call starts the
// shutdown and its error is returned by Run. Later calls are only logged.
func (l *Lifecycle) Fail(name string, err error) {
	err = fmt.Errorf("%s: %w", name, err)
	l.log.Error("component failed", "component", name, "err", err)
	l.failOnce.Do(func() {
		l.failErr = err
		close(l.failed)
	})
}

// Run blocks until ctx is done or a component fails, then runs the shutdown.
// It returns nil after a clean shutdown on ctx, else the failure joined with
// every step error (timeouts wrap ErrStepTimeout). Run may be called once.
func (l *Lifecycle) Run(ctx context.Context) error {
	l.mu.Lock()
	if l.ran {
		l.mu.Unlock()
		return errors.New("svc: Lifecycle.Run called twice")
	}
	l.ran = true
	l.mu.Unlock()

	select {
	case <-ctx.Done():
		l.log.Info("shutdown requested", "cause", context.Cause(ctx))
	case <-l.failed:
		l.log.Error("shutdown after failure", "err", l.failErr)
	}
	return errors.Join(l.failErrOrNil(), l.shutdown())
}

func (l *Lifecycle) failErrOrNil() error {
	select {
	case <-l.failed:
		return l.failErr
	default:
		return nil
	}
}

func (l *Lifecycle) shutdown() error {
	start := time.Now()
	var errs []error
	for p := range numPhases {
		l.mu.Lock()
		steps := slices.Clone(l.steps[p])
		l.mu.Unlock()
		if p == PhaseNotReady {
			steps = append(steps, step{name: "mark not ready", fn: func(context.Context) error {
				l.ready.SetNotReady()
				return nil
			}})
		}
		for _, s := range slices.Backward(steps) {
			if err := l.runStep(p, s); err != nil {
				errs = append(errs, err)
			}
		}
	}
	l.log.Info("shutdown complete", "duration", time.Since(start), "errors", len(errs))
	return errors.Join(errs...)
}

func (l *Lifecycle) runStep(p Phase, s step) error {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	start := time.Now()
	res := make(chan error, 1)
	go func() { res <- s.fn(ctx) }()
	var err error
	select {
	case err = <-res:
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w after %v: %w", ErrStepTimeout, l.timeout, err)
		}
	case <-ctx.Done():
		err = fmt.Errorf("%w after %v", ErrStepTimeout, l.timeout)
	}
	d := time.Since(start)
	switch {
	case errors.Is(err, ErrStepTimeout):
		l.log.Error("shutdown step timed out", "phase", p.String(), "step", s.name, "duration", d, "timeout", l.timeout)
	case err != nil:
		l.log.Error("shutdown step failed", "phase", p.String(), "step", s.name, "duration", d, "err", err)
	default:
		l.log.Info("shutdown step done", "phase", p.String(), "step", s.name, "duration", d)
		return nil
	}
	return fmt.Errorf("shutdown %s/%s: %w", p, s.name, err)
}
