// Package chdb implements store.Engine on chDB, ClickHouse as an in-process
// library: libchdb.so, bound with purego (lib.go) and loaded by the first Open,
// so a process that never opens an embedded store never needs the library and
// a missing or broken library is an error, never a panic.
//
// A process hosts one chDB engine bound to one data directory, with any number
// of connections to it running queries in parallel (chDB >= 4, libchdb 26.x).
// Every Engine of a process shares one pool of connections to that directory,
// reference-counted by Open and Close: a few writer connections that only
// Insert uses, and reader connections for everything else, so a query never
// waits behind an insert. A connection runs one call at a time. Session
// settings (SET) are per connection; query parameters are not sent to
// libchdb (they are not isolated between parallel connections there): Render
// binds a store.Query's parameters as literals, the one encoder of values. The C calls cannot be interrupted: a context bounds the wait for a
// connection, not the call.
//
// One process at a time: Open locks the data directory (tributary.lock, with
// the owner's pid) and a second process gets a *store.InUseError.
//
// Known engine trap: on chDB 26.5 "DROP TABLE|DATABASE ... SYNC" never
// returns (and holds the connection); use DROP without SYNC.
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

// Options size the connection pool of a data directory; they apply when
// Open starts the engine of a process (later Opens share its pool).
type Options struct {
	// Readers is the number of connections for queries and statements
	// other than inserts (default DefaultReaders).
	Readers int
	// Writers is the number of connections for inserts (default
	// DefaultWriters).
	Writers int
}

// Pool sizes used when Options leaves them zero.
const (
	DefaultReaders = 4
	DefaultWriters = 2
)

// session is the process-wide chDB engine: the data directory, its lock and
// its connection pool.
var session struct {
	mu   sync.Mutex // guards the fields
	lib  *library
	pool *pool
	lock *os.File // the data directory's lock, held while the session is open
	path string
	refs int
}

// Engine is a store.Engine on the process-wide chDB connection pool.
type Engine struct {
	path   string
	tmpDir string
	pool   *pool
	closed atomic.Bool
}

var _ store.Engine = (*Engine)(nil)

// Open returns an Engine on the chDB data directory path (created if
// missing) with the default pool sizes.
func Open(path string) (*Engine, error) { return OpenWith(path, Options{}) }

// OpenWith returns an Engine on the chDB data directory path (created if
// missing). Engines opened on the same path share the engine and its pool
// (sized by the first Open); opening a different path while an Engine is
// open is an error.
func OpenWith(path string, opt Options) (*Engine, error) {
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
			return nil, fmt.Errorf("chdb: open %s: the process already has %s open (one chDB data directory per process)", abs, session.path)
		}
		session.refs++
		return &Engine{path: abs, tmpDir: scratchDir(), pool: session.pool}, nil
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
	p, err := openPool(l, abs, opt)
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("chdb: open %s: %w", abs, err)
	}
	session.lib, session.pool, session.lock, session.path, session.refs = l, p, lock, abs, 1
	return &Engine{path: abs, tmpDir: tmp, pool: p}, nil
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

// Close releases the Engine; the last Close of the process closes the
// connections (after the calls in progress returned) and the engine. It is
// safe to call more than once.
func (e *Engine) Close() error {
	if !e.closed.CompareAndSwap(false, true) {
		return nil
	}
	session.mu.Lock()
	defer session.mu.Unlock()
	session.refs--
	if session.refs == 0 {
		session.pool.close()
		_ = session.lock.Close()
		session.pool, session.lock, session.path = nil, nil, ""
	}
	return nil
}

// Exec runs a statement that returns no rows.
func (e *Engine) Exec(ctx context.Context, q store.Query) error {
	sql, err := Render(q)
	if err != nil {
		return fmt.Errorf("chdb exec: %w", err)
	}
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
func (e *Engine) Query(ctx context.Context, q store.Query) (store.Rows, error) {
	sql, err := Render(q)
	if err != nil {
		return nil, fmt.Errorf("chdb query: %w", err)
	}
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

// Raw runs sql, text without parameters, with the output format on a reader connection and returns
// the output, copied into Go memory. Engine errors are *store.ServerError.
// Exported for tools that need a format of their own, such as the ClickHouse
// HTTP test server.
func (e *Engine) Raw(ctx context.Context, sql, format string) ([]byte, error) {
	return e.run(ctx, e.pool.readers, sql, format)
}

// run executes sql on a connection taken from conns.
func (e *Engine) run(ctx context.Context, conns chan *cConnection, sql, format string) ([]byte, error) {
	if e.closed.Load() {
		return nil, ErrClosed
	}
	conn, err := e.pool.take(ctx, conns)
	if err != nil {
		return nil, err
	}
	defer func() { conns <- conn }()
	return e.pool.lib.run(conn, sql, format)
}
