// Package chdbtest gives a test binary the process's one chDB engine (chDB
// has one session per process), in a temporary directory removed afterwards.
// Tests isolate themselves with a database each.
package chdbtest

import (
	"fmt"
	"os"
	"testing"

	"github.com/tributary-lrs/tributary/schemas/store/chdb"
)

// Main is a package's TestMain: it opens the engine, hands it to set, runs
// the tests and exits with their code.
//
//	func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }
func Main(m *testing.M, set func(*chdb.Engine)) {
	dir, err := os.MkdirTemp("", "tributary-test-chdb-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdbtest:", err)
		os.Exit(1)
	}
	e, err := chdb.Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdbtest:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	set(e)
	code := m.Run()
	_ = e.Close()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
