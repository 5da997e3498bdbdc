package roles

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

// When LRS_TEST_RUN_MAIN is set, the test binary is the LRS process:
// the kill -9 test starts it as a child and kills it.
func TestMain(m *testing.M) {
	if os.Getenv("LRS_TEST_RUN_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startLRS starts the all-in-one LRS as a child process and waits until it is ready.
func startLRS(t *testing.T, dataDir, addr string) *exec.Cmd {
	t.Helper()
	cmd, _ := startLRSIn(t, "", dataDir, addr)
	return cmd
}

// startLRSIn starts the LRS in the working directory workDir ("": this
// one) and returns it with the file its stdout goes to.
func startLRSIn(t *testing.T, workDir, dataDir, addr string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "all", "--data.dir", dataDir, "--http.addr", addr, "--http.admin_addr", "127.0.0.1:0")
	cmd.Dir = workDir
	cmd.Env = append(os.Environ(), "LRS_TEST_RUN_MAIN=1", "TRIBUTARY_AUTH_BOOTSTRAP_KEY=key",
		"TRIBUTARY_AUTH_BOOTSTRAP_SECRET=secret123", "TRIBUTARY_LOG_LEVEL=warn")
	stdout := filepath.Join(t.TempDir(), "stdout")
	f, err := os.Create(stdout)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd.Stdout = f
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, stdout
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the LRS did not become ready within 60 s")
	return nil, ""
}

func call(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.SetBasicAuth("key", "secret123")
	req.Header.Set("X-Experience-API-Version", "1.0.3")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// An acknowledged statement survives kill -9 of the all-in-one process.
func TestAllInOne_AcknowledgedStatementSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the LRS as a child process")
	}
	dataDir, addr := t.TempDir(), freeAddr(t)
	lrs := startLRS(t, dataDir, addr)
	base := "http://" + addr + "/xapi/statements"
	var ids []string
	for i := 0; i < 20; i++ {
		id := uuid.NewString()
		st := fmt.Sprintf(`{"id":%q,"actor":{"mbox":"mailto:k%d@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"http://example.com/a/%d"}}`, id, i, i)
		if code, body := call(t, http.MethodPut, base+"?statementId="+id, st); code != http.StatusNoContent {
			t.Fatalf("PUT %d: %d %s", i, code, body)
		}
		ids = append(ids, id)
	}
	// The last answer went out; kill at once, no graceful shutdown.
	if err := lrs.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = lrs.Wait()

	startLRS(t, dataDir, addr)
	for _, id := range ids {
		code, body := call(t, http.MethodGet, base+"?statementId="+id, "")
		if code != http.StatusOK {
			t.Fatalf("statement %s acknowledged before kill -9: GET %d %s", id, code, body)
		}
		var st map[string]any
		if err := json.Unmarshal([]byte(body), &st); err != nil || st["id"] != id {
			t.Fatalf("statement %s came back as %s", id, body)
		}
	}
}
