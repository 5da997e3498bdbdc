package chdb

import (
	"syscall"
	"unsafe"
)

// libchdb installs signal handlers of its own when a connection opens:
// ClickHouse's crash handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT
// (which sleep for minutes before re-raising), and handlers for SIGINT and
// SIGQUIT. They replace the Go runtime's: a nil dereference in Go code then
// hangs the process for five minutes instead of panicking, and Ctrl-C or
// SIGTERM no longer reach signal.Notify, so the LRS cannot shut down
// gracefully (chdb-io/chdb-go#24, #30). chdb_set_signal_handlers_enabled(0)
// stops libchdb from installing them, but resets the same signals to their
// defaults, and every chdb_connect does that again. So every connect runs
// between keepSignals and its restore: whatever handlers the process had
// before, it has after.

// kernelSigaction is struct sigaction as the rt_sigaction system call takes
// it on linux/amd64.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// lastSignal is the highest standard signal (31); real-time signals are
// left alone.
const lastSignal = 31

// savedSignals are the dispositions of every standard signal.
type savedSignals [lastSignal + 1]kernelSigaction

func sigaction(sig int, act, old *kernelSigaction) syscall.Errno {
	_, _, errno := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	return errno
}

// keepSignals records the current dispositions and returns the function
// that puts them back.
func keepSignals() (restore func()) {
	var saved savedSignals
	for sig := 1; sig <= lastSignal; sig++ {
		if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
			continue
		}
		_ = sigaction(sig, nil, &saved[sig])
	}
	return func() {
		for sig := 1; sig <= lastSignal; sig++ {
			if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
				continue
			}
			var now kernelSigaction
			if sigaction(sig, nil, &now) == 0 && now != saved[sig] {
				_ = sigaction(sig, &saved[sig], nil)
			}
		}
	}
}

// handlerOf returns the handler address of sig (for tests).
func handlerOf(sig syscall.Signal) uintptr {
	var act kernelSigaction
	_ = sigaction(int(sig), nil, &act)
	return act.handler
}
