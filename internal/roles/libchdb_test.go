package roles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 9: "--help, version and config errors must work without libchdb,
// and a missing/broken CHDB_LIB_PATH is a one-line error, not a panic with
// a stack trace." A library path naming a file that is no library, or a
// directory, stops the all-in-one start with one line naming it; a
// configuration error is reported without touching the library.
func TestIssue9_BrokenLibchdbIsOneLineError(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary as child processes")
	}
	dir := t.TempDir()
	notALib := filepath.Join(dir, "libchdb.so")
	if err := os.WriteFile(notALib, []byte("not an ELF file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lib := range []string{notALib, dir} {
		dataDir := filepath.Join(t.TempDir(), "data")
		code, out, errOut := runChild(t, []string{"CHDB_LIB_PATH=" + lib}, "all", "--http.addr", "127.0.0.1:0",
			"--http.admin_addr", "127.0.0.1:0", "--data.dir", dataDir)
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], lib) || out != "" ||
			strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
			t.Errorf("CHDB_LIB_PATH=%s: exit %d\nstdout: %s\nstderr: %s", lib, code, out, errOut)
		}
	}
	code, out, errOut := runChild(t, []string{"CHDB_LIB_PATH=" + notALib}, "all", "--http.addr", "not-an-address")
	if code == 0 || strings.Contains(errOut, "libchdb") || strings.Contains(errOut, "panic") || out != "" {
		t.Errorf("config error without libchdb: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
