package roles

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runChild runs the tributary command (this test binary as the LRS) with
// args and extra environment, and returns its exit code, stdout and stderr.
func runChild(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{"LRS_TEST_RUN_MAIN=1"}, env...)...)
	cmd.Dir = t.TempDir()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errOut.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errOut.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

// Issue 7, item 15: help, version and the configuration check of a
// distributed role work without libchdb, and a missing library is a
// one-line error of the command that needs it, never a panic.
func TestCommandsWithoutLibchdb(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary as child processes")
	}
	noLib := []string{"CHDB_LIB_PATH=/nonexistent/libchdb.so"}
	distributed := append([]string{"TRIBUTARY_CLICKHOUSE_ENGINE=clickhouse", "TRIBUTARY_AUTH_BOOTSTRAP_KEY=k",
		"TRIBUTARY_AUTH_BOOTSTRAP_SECRET=secret-123"}, noLib...)
	for _, c := range []struct {
		name string
		env  []string
		args []string
		code int
		out  string // in stdout
	}{
		{"help", noLib, []string{"--help"}, 0, "usage: tributary [all|ingest|processor|query|migrate]"},
		{"role help", noLib, []string{"ingest", "--help"}, 0, "--http.addr"},
		{"all help", noLib, []string{"all", "--help"}, 0, "--data.dir"},
		{"migrate help", noLib, []string{"migrate", "--help"}, 0, "usage: tributary migrate"},
		{"credentials help", noLib, []string{"credentials", "create", "--help"}, 0, "usage: tributary credentials"},
		{"version", noLib, []string{"version"}, 0, "chDB:      embedded engine unavailable: load /nonexistent/libchdb.so"},
		{"verify distributed", distributed, []string{"query", "--config-verify"}, 0, "engine: clickhouse"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runChild(t, c.env, c.args...)
			if code != c.code || !strings.Contains(out, c.out) || strings.Contains(out+errOut, "panic") {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
		})
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	code, out, errOut := runChild(t, noLib, "all", "--http.addr", "127.0.0.1:0", "--http.admin_addr", "127.0.0.1:0",
		"--data.dir", dataDir)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "/nonexistent/libchdb.so") || out != "" {
		t.Errorf("all without libchdb: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if _, err := os.Stat(dataDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("all without libchdb created %s: %v", dataDir, err)
	}
}

// Issue 7, item 13: the banner is printed only once the listener is bound;
// a busy port is one line and nothing else (no banner, no store created).
func TestBannerOnlyAfterListenerBound(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := filepath.Join(t.TempDir(), "data")
	var out, errOut bytes.Buffer
	code := Main([]string{"all", "--http.addr", busy.Addr().String(), "--http.admin_addr", "127.0.0.1:0",
		"--data.dir", dir}, nil, &out, &errOut)
	if code != 1 || out.Len() != 0 || strings.Count(errOut.String(), "\n") != 1 ||
		!strings.Contains(errOut.String(), "http.addr "+busy.Addr().String()+": the address is in use") {
		t.Errorf("busy port: exit %d\nstdout: %s\nstderr: %s", code, &out, &errOut)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data dir touched before the listener was bound: %v", err)
	}
}

// Issue 7, items 13 and 14: the banner shows the bound address and the
// relative data.dir resolved to an absolute path, marked new; the CLI on a
// store the running LRS holds names the LRS's pid.
func TestBannerAndCLIWhileServerRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the LRS as a child process")
	}
	workDir, addr := t.TempDir(), freeAddr(t)
	lrs, stdout := startLRSIn(t, workDir, "./data", addr)
	dataDir := filepath.Join(workDir, "data")
	banner, err := os.ReadFile(stdout)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"xAPI endpoint: http://" + addr + "/xapi\n", "data:          " + dataDir + " (new, empty store)\n",
		"admin:         http://127.0.0.1:"} {
		if !strings.Contains(string(banner), want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}

	var out, errOut bytes.Buffer
	code := Main([]string{"credentials", "list"}, []string{"TRIBUTARY_DATA_DIR=" + dataDir}, &out, &errOut)
	want := fmt.Sprintf("tributary credentials: the store %s is in use by a running Tributary (pid %d): stop it or use the admin API\n",
		filepath.Join(dataDir, "chdb"), lrs.Process.Pid)
	if code != 1 || errOut.String() != want {
		t.Errorf("credentials list while the LRS runs: exit %d\nstderr %q\nwant   %q", code, errOut.String(), want)
	}
}
