package durability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/internal/roles"
)

// The child modes of the test binary: the LRS itself, and the inspection of
// a stopped LRS's data directory with the embedded engine (inspect_test.go).
func TestMain(m *testing.M) {
	switch {
	case os.Getenv("LRS_TEST_RUN_MAIN") == "1":
		os.Exit(roles.Main(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
	case os.Getenv(inspectEnv) != "":
		os.Exit(inspectMain(os.Getenv(inspectEnv), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

const (
	lrsKey    = "durability"
	lrsSecret = "durability-secret"
)

// lrs is the all-in-one LRS run as a child process on one data directory
// and one pair of addresses, across restarts.
type lrs struct {
	t       *testing.T
	dataDir string
	addr    string // xAPI listener
	admin   string // /metrics
	env     []string
	logPath string // the children's standard error, every run appended

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	runs int
}

func newLRS(t *testing.T, dataDir string, env ...string) *lrs {
	t.Helper()
	l := &lrs{t: t, dataDir: dataDir, addr: freeAddr(t), admin: freeAddr(t), env: env,
		logPath: filepath.Join(t.TempDir(), "lrs.log")}
	t.Cleanup(func() {
		l.kill9()
		if t.Failed() {
			t.Logf("LRS log (last 60 lines of %s, without the 503 answers):\n%s", l.logPath, tail(l.logPath, 60))
			if keep := os.Getenv("DURABILITY_LOG_DIR"); keep != "" { // the whole log, for a failure in CI
				b, _ := os.ReadFile(l.logPath)
				name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + ".log"
				_ = os.WriteFile(filepath.Join(keep, name), b, 0o644)
			}
		}
	})
	return l
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start starts the LRS and waits until it is ready; it fails the test when
// the LRS exits first or is not ready within limit.
func (l *lrs) start(limit time.Duration) {
	l.t.Helper()
	if err := l.tryStart(limit); err != nil {
		l.t.Fatal(err)
	}
}

// tryStart is start returning the failure.
func (l *lrs) tryStart(limit time.Duration) error {
	logf, err := os.OpenFile(l.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	l.mu.Lock()
	l.runs++
	fmt.Fprintf(logf, "=== start %d\n", l.runs)
	cmd := exec.Command(os.Args[0], "all", "--data.dir", l.dataDir, "--http.addr", l.addr, "--http.admin_addr", l.admin)
	cmd.Env = append(append(os.Environ(), "LRS_TEST_RUN_MAIN=1", "TRIBUTARY_AUTH_BOOTSTRAP_KEY="+lrsKey,
		"TRIBUTARY_AUTH_BOOTSTRAP_SECRET="+lrsSecret, "TRIBUTARY_LOG_LEVEL=info"), l.env...)
	cmd.Stdout = io.Discard
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		l.mu.Unlock()
		return fmt.Errorf("start the LRS: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	l.cmd, l.done = cmd, done
	l.mu.Unlock()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + l.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-done:
			return fmt.Errorf("the LRS exited before it was ready: %s", cmd.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("the LRS was not ready within %s", limit)
}

// kill9 kills the LRS with SIGKILL (no shutdown of any kind) and waits for
// it to be gone.
func (l *lrs) kill9() {
	l.mu.Lock()
	cmd, done := l.cmd, l.done
	l.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

// stop stops the LRS gracefully (SIGTERM), SIGKILL after 60 s.
func (l *lrs) stop() {
	l.mu.Lock()
	cmd, done := l.cmd, l.done
	l.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		l.t.Errorf("the LRS did not stop within 60 s of SIGTERM")
		l.kill9()
	}
}

// running reports whether the current child still runs.
func (l *lrs) running() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done == nil {
		return false
	}
	select {
	case <-l.done:
		return false
	default:
		return true
	}
}

func (l *lrs) base() string { return "http://" + l.addr + "/xapi" }

// metric reads one sample from /metrics, named as it writes it (with its
// labels, e.g. `x_total{reason="y"}`); -1 when absent or unreadable.
func (l *lrs) metric(name string) float64 {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + l.admin + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}

// logLines returns the JSON log records of every run whose msg is msg.
func (l *lrs) logLines(msg string) []map[string]any {
	b, _ := os.ReadFile(l.logPath)
	var out []map[string]any
	for _, line := range bytes.Split(b, []byte("\n")) {
		if !bytes.Contains(line, []byte(msg)) {
			continue
		}
		var rec map[string]any
		if json.Unmarshal(line, &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// tail returns the last n lines of a file, but those of 503 answers.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	var lines []string
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if !strings.Contains(line, `"status":503`) {
			lines = append(lines, line)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// answer is an HTTP response as a client sees it; err is set when none came.
type answer struct {
	code       int
	body       []byte
	header     http.Header
	err        error
	took       time.Duration
	retryAfter string
}

// client sends xAPI requests with the bootstrap credential.
type client struct {
	http *http.Client
	base string
}

func newClient(base string, timeout time.Duration) *client {
	return &client{base: base, http: &http.Client{Timeout: timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}}
}

func (c *client) do(ctx context.Context, method, path string, body []byte) answer {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return answer{err: err}
	}
	req.SetBasicAuth(lrsKey, lrsSecret)
	req.Header.Set("X-Experience-API-Version", "1.0.3")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	a := answer{code: resp.StatusCode, body: b, header: resp.Header, took: time.Since(start),
		retryAfter: resp.Header.Get("Retry-After")}
	if err != nil {
		a.err = err
	}
	return a
}

// consistentThrough reads X-Experience-API-Consistent-Through.
func (c *client) consistentThrough(ctx context.Context) (time.Time, error) {
	a := c.do(ctx, http.MethodHead, "/statements?limit=1", nil)
	if a.err != nil {
		return time.Time{}, a.err
	}
	return time.Parse(time.RFC3339Nano, a.header.Get("X-Experience-API-Consistent-Through"))
}

// waitConsistentThrough waits until the header reaches t: every statement
// stored (acknowledged) by then is visible.
func (c *client) waitConsistentThrough(t *testing.T, at time.Time, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last time.Time
	for time.Now().Before(deadline) {
		ct, err := c.consistentThrough(context.Background())
		if err == nil && !ct.Before(at.Truncate(time.Millisecond)) {
			return
		}
		last = ct
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("Consistent-Through still %s, %s after the last acknowledgement at %s", last.Format(time.RFC3339Nano),
		limit, at.Format(time.RFC3339Nano))
}

// tableDir returns the directory of a table of the embedded store (an
// Atomic database keeps a table's parts under store/<uuid[:3]>/<uuid>/, the
// uuid in the table's metadata file).
func (l *lrs) tableDir(table string) (string, error) {
	b, err := os.ReadFile(filepath.Join(l.dataDir, "chdb", "metadata", database, table+".sql"))
	if err != nil {
		return "", err
	}
	m := tableUUID.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("no UUID in the metadata of %s", table)
	}
	id := string(m[1])
	return filepath.Join(l.dataDir, "chdb", "store", id[:3], id), nil
}

var tableUUID = regexp.MustCompile(`UUID '([0-9a-f-]{36})'`)

// waitInserting waits, at most limit, until the engine is writing a part
// of table (a tmp_insert_* directory exists: the insert of a batch is
// between its first and its last table); false when it saw none.
func (l *lrs) waitInserting(table string, limit time.Duration) bool {
	dir, err := l.tableDir(table)
	if err != nil {
		l.t.Fatal(err)
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		names, _ := os.ReadDir(dir)
		for _, n := range names {
			if strings.HasPrefix(n.Name(), "tmp_insert_") {
				return true
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
	return false
}
