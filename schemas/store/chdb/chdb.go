// Package chdb implements store.Engine on chDB, ClickHouse as an in-process
// library: libchdb.so, bound with purego (lib.go) and loaded by the first Open,
// so a process that never opens an embedded store never needs the library and
// a missing or broken library is an error, never a panic.
//
// chDB allows one session per process: a second session closes the first. So
// every Engine of a process shares one connection to one data directory,
// reference-counted by Open and Close, and every call into the library is
// serialized. The C calls cannot be interrupted: a context is checked before
// each call, not during it.
//
// One process at a time: Open locks the data directory (tributary.lock, with
// the owner's pid) and a second process gets a *store.InUseError.
//
// Known engine trap: on chDB 26.5 "DROP TABLE|DATABASE ... SYNC" never
// returns (and holds the session); use DROP without SYNC.
package chdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// ErrClosed is returned by calls on an Engine after Close.
var ErrClosed = errors.New("chdb: engine is closed")

// session is the process-wide chDB connection.
var session struct {
	mu   sync.Mutex // guards the fields and serializes every call into chDB
	lib  *library
	conn *cConnection
	lock *os.File // the data directory's lock, held while the session is open
	path string
	refs int
}

// Engine is a store.Engine on the process-wide chDB session.
type Engine struct {
	path   string
	tmpDir string
	closed atomic.Bool
}

var _ store.Engine = (*Engine)(nil)

// Open returns an Engine on the chDB data directory path (created if
// missing). Engines opened on the same path share the session; opening a
// different path while an Engine is open is an error.
func Open(path string) (*Engine, error) {
	if path == "" {
		return nil, errors.New("chdb: open: empty data directory path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("chdb: open %s: %w", path, err)
	}
	session.mu.Lock()
	defer session.mu.Unlock()
	if session.refs > 0 {
		if session.path != abs {
			return nil, fmt.Errorf("chdb: open %s: the process already has %s open (one chDB session per process)", abs, session.path)
		}
		session.refs++
		return &Engine{path: abs, tmpDir: scratchDir()}, nil
	}
	l, err := lib()
	if err != nil {
		return nil, fmt.Errorf("chdb: open %s: %w", abs, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("chdb: open %s: %w", abs, err)
	}
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err // names abs
	}
	tmp := scratchDir()
	removeAbandonedBatchFiles(tmp)
	conn, err := l.connectPath(abs)
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("chdb: open %s: %w", abs, err)
	}
	// chDB defaults to async_insert=1: make every insert of the session
	// synchronous (Insert also says so on each statement).
	if _, err := l.run(conn, "SET async_insert = 0", "Null"); err != nil {
		l.closeConn(conn)
		_ = lock.Close()
		return nil, fmt.Errorf("chdb: open %s: disable async_insert: %w", abs, err)
	}
	session.lib, session.conn, session.lock, session.path, session.refs = l, conn, lock, abs, 1
	return &Engine{path: abs, tmpDir: tmp}, nil
}

// scratchDir is where insert batches are staged: tmpfs when the machine has
// one (a file per insert on a disk file system costs inode allocation and
// journal work), else the system's temp directory.
func scratchDir() string {
	const shm = "/dev/shm"
	if st, err := os.Stat(shm); err == nil && st.IsDir() {
		if f, err := os.CreateTemp(shm, "tributary-probe-*"); err == nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
			return shm
		}
	}
	return os.TempDir()
}

// Path returns the absolute data directory of the session.
func (e *Engine) Path() string { return e.path }

// Close releases the Engine; the last Close of the process closes the chDB
// session. It is safe to call more than once.
func (e *Engine) Close() error {
	if !e.closed.CompareAndSwap(false, true) {
		return nil
	}
	session.mu.Lock()
	defer session.mu.Unlock()
	session.refs--
	if session.refs == 0 {
		session.lib.closeConn(session.conn)
		_ = session.lock.Close()
		session.conn, session.lock, session.path = nil, nil, ""
	}
	return nil
}

// Exec runs a statement that returns no rows.
func (e *Engine) Exec(ctx context.Context, sql string) error {
	if _, err := e.Raw(ctx, sql, "Null"); err != nil {
		return fmt.Errorf("chdb exec: %w", err)
	}
	return nil
}

// Ping checks that the session answers a query.
func (e *Engine) Ping(ctx context.Context) error {
	if _, err := e.Raw(ctx, "SELECT 1", "Null"); err != nil {
		return fmt.Errorf("chdb ping: %w", err)
	}
	return nil
}

// Query runs a SELECT and returns its rows.
func (e *Engine) Query(ctx context.Context, sql string) (store.Rows, error) {
	buf, err := e.Raw(ctx, sql, "RowBinaryWithNamesAndTypes")
	if err != nil {
		return nil, fmt.Errorf("chdb query: %w", err)
	}
	rows, err := newRows(buf)
	if err != nil {
		return nil, fmt.Errorf("chdb query: %w", err)
	}
	return rows, nil
}

// Raw runs sql with the output format and returns the output, copied into Go
// memory. Engine errors are *store.ServerError. Exported for tools that need
// a format of their own, such as the ClickHouse HTTP test server.
func (e *Engine) Raw(ctx context.Context, sql, format string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	session.mu.Lock()
	defer session.mu.Unlock()
	if e.closed.Load() || session.conn == nil {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil { // the wait for the lock may have been long
		return nil, err
	}
	return session.lib.run(session.conn, sql, format)
}
