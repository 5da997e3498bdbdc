package chdb

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// The embedded engine must leave the Go runtime its signals: a nil
// dereference in Go code panics (it hung the process for five minutes under
// libchdb's crash handler), and SIGINT/SIGTERM reach signal.Notify, so
// Ctrl-C shuts the LRS down gracefully.
func TestEngineKeepsTheGoRuntimesSignalHandlers(t *testing.T) {
	notified := make(chan os.Signal, 1)
	signal.Notify(notified, syscall.SIGINT)
	defer signal.Stop(notified)
	before := map[syscall.Signal]uintptr{}
	sigs := []syscall.Signal{syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGILL, syscall.SIGABRT,
		syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGURG, syscall.SIGPIPE}
	for _, s := range sigs {
		before[s] = handlerOf(s)
	}
	e, err := Open(t.TempDir()) // a fresh data directory: the engine starts here
	if err != nil {
		// Another test's engine is open on dataDir: open that one instead.
		e = open(t)
	} else {
		defer e.Close()
	}
	if err := e.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, s := range sigs {
		if after := handlerOf(s); after != before[s] {
			t.Errorf("signal %v: handler %#x before the engine started, %#x after", s, before[s], after)
		}
	}
	panicked := func() (ok bool) {
		defer func() { ok = recover() != nil }()
		var p *int
		*p = 1 // the Go runtime turns the SIGSEGV into a panic
		return false
	}()
	if !panicked {
		t.Fatal("a nil dereference did not panic")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-notified:
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT never reached signal.Notify")
	}
}
