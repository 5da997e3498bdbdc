package svc

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/config"
)

// recorder collects the order in which fake components stop.
type recorder struct {
	mu    sync.Mutex
	order []string
}

func (r *recorder) stop(name string) StopFunc {
	return func(context.Context) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.order = append(r.order, name)
		return nil
	}
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.order)
}

func testLog(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestLifecycleOrder(t *testing.T) {
	var buf bytes.Buffer
	lc := NewLifecycle(testLog(&buf), config.Shutdown{StepTimeout: time.Second})
	rec := &recorder{}
	ready := lc.Readiness()
	// Registered out of order on purpose: the phase decides, not the call order.
	lc.OnStop(PhaseStore, "store", rec.stop("store"))
	lc.OnStop(PhaseClients, "kafka reader", rec.stop("kafka reader"))
	lc.OnStop(PhaseClients, "kafka writer", rec.stop("kafka writer"))
	lc.OnStop(PhaseWorkers, "consumer", func(ctx context.Context) error {
		if f := ready.Failing(ctx); !slices.Equal(f, []string{NotReadyShutdown}) {
			t.Errorf("ready while stopping workers: failing = %q", f)
		}
		return rec.stop("consumer")(ctx)
	})
	lc.OnStop(PhaseHTTP, "http", rec.stop("http"))
	lc.OnStop(PhaseNotReady, "deregister", rec.stop("deregister"))

	if f := ready.Failing(context.Background()); len(f) != 0 {
		t.Fatalf("not ready before shutdown: %q", f)
	}
	if err := lc.Run(cancelled()); err != nil {
		t.Fatalf("Run = %v", err)
	}
	want := []string{"deregister", "http", "consumer", "kafka writer", "kafka reader", "store"}
	if got := rec.got(); !slices.Equal(got, want) {
		t.Errorf("stop order = %q, want %q", got, want)
	}
	for _, s := range []string{"mark not ready", "phase=http", "phase=store", "duration=", "shutdown complete"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("log lacks %q:\n%s", s, buf.String())
		}
	}
	if err := lc.Run(cancelled()); err == nil {
		t.Error("second Run succeeded")
	}
}

func TestLifecycleStepTimeout(t *testing.T) {
	var buf bytes.Buffer
	const timeout = 50 * time.Millisecond
	lc := NewLifecycle(testLog(&buf), config.Shutdown{StepTimeout: timeout})
	rec := &recorder{}
	release := make(chan struct{})
	defer close(release)
	lc.OnStop(PhaseWorkers, "stuck", func(context.Context) error { <-release; return nil }) // ignores ctx
	lc.OnStop(PhaseClients, "honours ctx", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	lc.OnStop(PhaseStore, "store", rec.stop("store"))
	start := time.Now()
	err := lc.Run(cancelled())
	elapsed := time.Since(start)
	if !errors.Is(err, ErrStepTimeout) || !strings.Contains(err.Error(), "stuck") || !strings.Contains(err.Error(), "honours ctx") {
		t.Errorf("Run = %v, want timeouts of both steps", err)
	}
	if got := rec.got(); !slices.Equal(got, []string{"store"}) {
		t.Errorf("steps after the timeouts = %q, want store to run", got)
	}
	if elapsed < 2*timeout || elapsed > 2*timeout+2*time.Second {
		t.Errorf("shutdown took %v, want about %v", elapsed, 2*timeout)
	}
	if n := strings.Count(buf.String(), "shutdown step timed out"); n != 2 {
		t.Errorf("logged %d timeouts, want 2:\n%s", n, buf.String())
	}
}

func TestLifecycleGo(t *testing.T) {
	var buf bytes.Buffer
	lc := NewLifecycle(testLog(&buf), config.Shutdown{StepTimeout: time.Second})
	rec := &recorder{}
	started := make(chan struct{})
	lc.Go(PhaseWorkers, "consumer", func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		// Finishing the current batch happens here, before returning.
		return rec.stop("consumer finished batch")(context.WithoutCancel(ctx))
	})
	lc.OnStop(PhaseHTTP, "http", rec.stop("http"))
	lc.OnStop(PhaseStore, "store", rec.stop("store"))
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- lc.Run(ctx) }()
	if got := rec.got(); len(got) != 0 {
		t.Fatalf("stopped before the context ended: %q", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	want := []string{"http", "consumer finished batch", "store"}
	if got := rec.got(); !slices.Equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
}

func TestLifecycleComponentFailure(t *testing.T) {
	boom := errors.New("broker gone")
	tests := []struct {
		name string
		run  func(ctx context.Context) error
		want string
	}{
		{"error", func(context.Context) error { return boom }, "broker gone"},
		{"nil before shutdown", func(context.Context) error { return nil }, "exited before shutdown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			lc := NewLifecycle(testLog(&buf), config.Shutdown{StepTimeout: time.Second})
			rec := &recorder{}
			lc.OnStop(PhaseStore, "store", rec.stop("store"))
			lc.Go(PhaseWorkers, "consumer", tt.run)
			// The context never ends: the failure alone must start the shutdown.
			err := lc.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), "consumer: "+tt.want) {
				t.Errorf("Run = %v, want the component's failure", err)
			}
			if !slices.Equal(rec.got(), []string{"store"}) {
				t.Errorf("store not closed after failure: %q", rec.got())
			}
			if !slices.Equal(lc.Readiness().Failing(context.Background()), []string{NotReadyShutdown}) {
				t.Error("still ready after failure")
			}
		})
	}
}
