// Package membench measures the memory an LRS process needs for large write
// requests: it starts the all-in-one LRS as a child process, sends concurrent
// POSTs of generated statements, each body as large as the LRS accepts, and
// reads the child's peak resident set (VmHWM) and its resident set afterwards
// from /proc/<pid>/status.
package membench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
)

// Options of a run.
type Options struct {
	// Command starts the LRS: the binary and its first arguments (e.g.
	// ["bin/tributary"]); Run appends "all --data.dir D --http.addr A".
	Command []string
	// Env is added to the child's environment (after os.Environ()).
	Env []string
	// Clients is the number of concurrent POSTs (default 8).
	Clients int
	// BodyBytes is the size each POST body stays within (default 10 MiB,
	// the default ingest.max_body_bytes).
	BodyBytes int
	// Settle is how long Run waits, once the last answer came and every
	// statement is stored (the write-ahead log drained, as
	// X-Experience-API-Consistent-Through says), before it reads the
	// resident set afterwards (default 5 s).
	Settle time.Duration
	// Stderr receives the child's standard error (nil discards it).
	Stderr io.Writer
}

// Report is what a run measured. Memory figures are bytes.
type Report struct {
	IdleRSS    int64 // resident set once the LRS is ready, before the POSTs
	PeakRSS    int64 // VmHWM: the highest resident set of the process's life
	AfterRSS   int64 // resident set Settle after everything was stored
	Bodies     int   // POSTs sent
	BodyBytes  int   // size of each body
	Statements int   // statements in all bodies
	Statuses   map[int]int
	Elapsed    time.Duration // first POST sent → last answer
	Stored     time.Duration // first POST sent → every statement stored
}

func (r Report) String() string {
	codes := make([]int, 0, len(r.Statuses))
	for c := range r.Statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var st []string
	for _, c := range codes {
		st = append(st, fmt.Sprintf("%d×%d", r.Statuses[c], c))
	}
	return fmt.Sprintf("posts=%d body=%.1fMiB statements=%d statuses=%s elapsed=%s stored=%s rss_idle=%s rss_peak=%s rss_after=%s",
		r.Bodies, float64(r.BodyBytes)/(1<<20), r.Statements, strings.Join(st, ","), r.Elapsed.Round(time.Millisecond),
		r.Stored.Round(time.Millisecond), mib(r.IdleRSS), mib(r.PeakRSS), mib(r.AfterRSS))
}

func mib(n int64) string { return fmt.Sprintf("%.0fMiB", float64(n)/(1<<20)) }

const (
	key    = "membench"
	secret = "membench-secret"
)

// Run starts the LRS, sends the POSTs, measures and stops the LRS.
func Run(ctx context.Context, opt Options) (Report, error) {
	opt = withDefaults(opt)
	bodies, total, err := Bodies(opt.Clients, opt.BodyBytes)
	if err != nil {
		return Report{}, err
	}
	lrs, err := start(ctx, opt)
	if err != nil {
		return Report{}, err
	}
	defer lrs.stop()
	rep := Report{Bodies: len(bodies), BodyBytes: opt.BodyBytes, Statements: total, Statuses: map[int]int{}}
	if rep.IdleRSS, err = lrs.status("VmRSS"); err != nil {
		return rep, err
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	var mu sync.Mutex
	var wg sync.WaitGroup
	begin := time.Now()
	var errs []error
	for _, body := range bodies {
		wg.Add(1)
		go func(body []byte) {
			defer wg.Done()
			code, err := post(ctx, client, lrs.base, body)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			rep.Statuses[code]++
		}(body)
	}
	wg.Wait()
	rep.Elapsed = time.Since(begin)
	if err := errors.Join(errs...); err != nil {
		return rep, err
	}
	bodies = nil
	if err := waitStored(ctx, client, lrs.base, begin.Add(rep.Elapsed)); err != nil {
		return rep, err
	}
	rep.Stored = time.Since(begin)
	select {
	case <-ctx.Done():
		return rep, ctx.Err()
	case <-time.After(opt.Settle):
	}
	if rep.PeakRSS, err = lrs.status("VmHWM"); err != nil {
		return rep, err
	}
	if rep.AfterRSS, err = lrs.status("VmRSS"); err != nil {
		return rep, err
	}
	return rep, nil
}

func withDefaults(o Options) Options {
	if o.Clients <= 0 {
		o.Clients = 8
	}
	if o.BodyBytes <= 0 {
		o.BodyBytes = 10 << 20
	}
	if o.Settle <= 0 {
		o.Settle = 5 * time.Second
	}
	return o
}

// Bodies returns n JSON arrays of generated statements (gen, a different
// seed each), each as long as fits within size bytes, and how many
// statements they hold in all.
func Bodies(n, size int) ([][]byte, int, error) {
	out := make([][]byte, n)
	total := 0
	for i := range out {
		o := gen.DefaultOptions()
		o.Seed = uint64(i + 1)
		g := gen.New(o)
		var buf bytes.Buffer
		buf.Grow(size)
		buf.WriteByte('[')
		for {
			st, err := json.Marshal(g.Next())
			if err != nil {
				return nil, 0, err
			}
			if buf.Len()+len(st)+2 > size {
				break
			}
			if buf.Len() > 1 {
				buf.WriteByte(',')
			}
			buf.Write(st)
			total++
		}
		buf.WriteByte(']')
		out[i] = buf.Bytes()
	}
	return out, total, nil
}

func post(ctx context.Context, c *http.Client, base string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/xapi/statements", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth(key, secret)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", "1.0.3")
	resp, err := c.Do(req)
	if err != nil {
		return 0, fmt.Errorf("POST statements: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// waitStored waits until X-Experience-API-Consistent-Through reaches t:
// every statement acknowledged before t is stored.
func waitStored(ctx context.Context, c *http.Client, base string, t time.Time) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, base+"/xapi/statements?limit=1", nil)
		if err != nil {
			return err
		}
		req.SetBasicAuth(key, secret)
		req.Header.Set("X-Experience-API-Version", "1.0.3")
		resp, err := c.Do(req)
		if err != nil {
			return fmt.Errorf("HEAD statements: %w", err)
		}
		resp.Body.Close()
		ct, err := time.Parse(time.RFC3339Nano, resp.Header.Get("X-Experience-API-Consistent-Through"))
		if err == nil && !ct.Before(t.Truncate(time.Millisecond)) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("statements still not stored 5 minutes after the last answer (Consistent-Through %q)",
				resp.Header.Get("X-Experience-API-Consistent-Through"))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// lrs is the child process.
type lrs struct {
	cmd  *exec.Cmd
	dir  string
	base string
	done chan struct{}
}

func start(ctx context.Context, opt Options) (*lrs, error) {
	if len(opt.Command) == 0 {
		return nil, errors.New("membench: no LRS command")
	}
	dir, err := os.MkdirTemp("", "tributary-membench-*")
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := append(append([]string{}, opt.Command[1:]...), "all", "--data.dir", dir, "--http.addr", addr)
	cmd := exec.Command(opt.Command[0], args...)
	cmd.Env = append(append(os.Environ(), "TRIBUTARY_AUTH_BOOTSTRAP_KEY="+key,
		"TRIBUTARY_AUTH_BOOTSTRAP_SECRET="+secret, "TRIBUTARY_LOG_LEVEL=warn"), opt.Env...)
	cmd.Stdout = io.Discard
	cmd.Stderr = opt.Stderr
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("membench: start the LRS: %w", err)
	}
	l := &lrs{cmd: cmd, dir: dir, base: "http://" + addr, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(l.done) }()
	if err := l.waitReady(ctx, 2*time.Minute); err != nil {
		l.stop()
		return nil, err
	}
	return l, nil
}

func (l *lrs) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(l.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-l.done:
			return errors.New("membench: the LRS exited before it was ready")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("membench: the LRS was not ready within %s", limit)
}

// stop ends the child (SIGTERM, then SIGKILL after 30 s) and removes its data.
func (l *lrs) stop() {
	_ = l.cmd.Process.Signal(os.Interrupt)
	select {
	case <-l.done:
	case <-time.After(30 * time.Second):
		_ = l.cmd.Process.Kill()
		<-l.done
	}
	_ = os.RemoveAll(l.dir)
}

// status reads a memory line (in kB) of /proc/<pid>/status, in bytes.
func (l *lrs) status(field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", l.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("membench: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("membench: %s %q: %w", field, v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("membench: no %s in /proc/%d/status", field, l.cmd.Process.Pid)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
