// Package lrsproc starts an all-in-one Tributary as a child process for a
// benchmark: a fresh data directory, free ports on 127.0.0.1, a credential of
// its own, and waits until /readyz says it is ready.
package lrsproc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Options say how to start the process.
type Options struct {
	// Command is the program and any leading arguments, e.g.
	// ["bin/tributary"]; "all" and the listener, data and log flags follow.
	Command []string
	// Env is added to this process's environment (TRIBUTARY_* settings
	// other than the ones set here are passed on, so they can tune the run).
	Env []string
	// DataDir is the data directory; empty: a new temporary one, removed by
	// Stop.
	DataDir string
	// ReadyTimeout bounds the wait for /readyz (default 2 minutes).
	ReadyTimeout time.Duration
}

// Process is a running LRS.
type Process struct {
	URL         string // xAPI base URL, e.g. http://127.0.0.1:34567/xapi
	AdminURL    string // the admin listener, e.g. http://127.0.0.1:34568
	Key, Secret string
	Pid         int
	DataDir     string
	Log         string // file holding the process's stdout and stderr

	cmd     *exec.Cmd
	tempDir string
	exited  chan struct{}
	waitErr error
}

// Start starts the LRS and returns once it is ready.
func Start(ctx context.Context, opt Options) (*Process, error) {
	if len(opt.Command) == 0 {
		return nil, errors.New("no command to start the LRS")
	}
	if opt.ReadyTimeout <= 0 {
		opt.ReadyTimeout = 2 * time.Minute
	}
	tmp, err := os.MkdirTemp("", "tributary-bench-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	p := &Process{Key: "bench", Secret: randomHex(16), DataDir: opt.DataDir, Log: filepath.Join(tmp, "lrs.log"),
		tempDir: tmp, exited: make(chan struct{})}
	if p.DataDir == "" {
		p.DataDir = filepath.Join(tmp, "data")
	}
	addrs, err := freeAddrs(2)
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(tmp))
	}
	p.URL, p.AdminURL = "http://"+addrs[0]+"/xapi", "http://"+addrs[1]
	logf, err := os.Create(p.Log)
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(tmp))
	}
	defer logf.Close()
	args := append(opt.Command[1:len(opt.Command):len(opt.Command)], "all", "--data.dir", p.DataDir,
		"--http.addr", addrs[0], "--http.admin_addr", addrs[1])
	p.cmd = exec.Command(opt.Command[0], args...)
	p.cmd.Env = append(append(os.Environ(), opt.Env...), "TRIBUTARY_AUTH_BOOTSTRAP_KEY="+p.Key,
		"TRIBUTARY_AUTH_BOOTSTRAP_SECRET="+p.Secret, "TRIBUTARY_LOG_LEVEL=warn")
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("start %s: %w", opt.Command[0], err), os.RemoveAll(tmp))
	}
	p.Pid = p.cmd.Process.Pid
	go func() { p.waitErr = p.cmd.Wait(); close(p.exited) }()
	if err := p.waitReady(ctx, "http://"+addrs[0]+"/readyz", opt.ReadyTimeout); err != nil {
		return nil, errors.Join(err, p.Stop())
	}
	return p, nil
}

func (p *Process) waitReady(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("the LRS exited before it was ready (%v); its log:\n%s", p.waitErr, p.tail())
		case <-ctx.Done():
			return fmt.Errorf("the LRS was not ready within %s: %w; its log:\n%s", timeout, ctx.Err(), p.tail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop interrupts the LRS (SIGINT: it drains and closes its store), kills it
// if it has not exited within a minute, and removes the temporary directory.
func (p *Process) Stop() error {
	var errs []error
	select {
	case <-p.exited:
	default:
		if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
			errs = append(errs, fmt.Errorf("interrupt the LRS: %w", err))
		}
		select {
		case <-p.exited:
		case <-time.After(time.Minute):
			errs = append(errs, errors.New("the LRS did not stop within a minute of SIGINT: killed"))
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	}
	if p.waitErr != nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("the LRS exited with %w; its log:\n%s", p.waitErr, p.tail()))
	}
	return errors.Join(append(errs, os.RemoveAll(p.tempDir))...)
}

// tail is the end of the LRS's log.
func (p *Process) tail() string {
	b, _ := os.ReadFile(p.Log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return strings.TrimSpace(string(b))
}

// freeAddrs returns n distinct free ports on 127.0.0.1 (free when asked:
// another process could take one before the LRS binds it).
func freeAddrs(n int) ([]string, error) {
	var out []string
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().String())
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}
