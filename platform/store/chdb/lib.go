package chdb

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/tributary-lrs/tributary/platform/store/chdb/libpath"
)

// cConnection is chdb.h's struct chdb_connection_: chdb_connect returns a
// pointer to the connection handle the other calls take.
type cConnection struct{ internal unsafe.Pointer }

// cResult is chdb.h's opaque struct chdb_result_.
type cResult struct{ internal unsafe.Pointer }

// library is the part of libchdb's C API (chdb.h) the engine calls.
type library struct {
	path string
	// chdb_connection * chdb_connect(int argc, char ** argv)
	connect func(argc int32, argv []*byte) *cConnection
	// void chdb_close_conn(chdb_connection * conn)
	closeConn func(conn *cConnection)
	// chdb_result * chdb_query(chdb_connection conn, const char * query, const char * format)
	query func(conn unsafe.Pointer, query, format string) *cResult
	// void chdb_destroy_query_result(chdb_result * result)
	destroyResult func(res *cResult)
	// char * chdb_result_buffer(chdb_result * result)
	resultBuffer func(res *cResult) *byte
	// size_t chdb_result_length(chdb_result * result)
	resultLength func(res *cResult) uintptr
	// const char * chdb_result_error(chdb_result * result)
	resultError func(res *cResult) string
	// void chdb_set_signal_handlers_enabled(int enabled); nil in a libchdb
	// older than 26.3
	setSignalHandlersEnabled func(enabled int32)
}

// ErrLibrary wraps every failure to find or load libchdb.
var ErrLibrary = errors.New("embedded engine unavailable")

var loaded struct {
	once sync.Once
	lib  *library
	err  error
}

// lib loads libchdb on first use (libpath.Locate finds it). A failure is
// returned, never a panic, and is remembered: the library is loaded once
// per process.
func lib() (*library, error) {
	loaded.once.Do(func() {
		path, err := libpath.Locate()
		if err != nil {
			loaded.err = fmt.Errorf("%w: %w", ErrLibrary, err)
			return
		}
		loaded.lib, loaded.err = loadLibrary(path)
	})
	return loaded.lib, loaded.err
}

// loadLibrary dlopens path and binds the functions of library.
func loadLibrary(path string) (*library, error) {
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("%w: load %s: %w (set %s to the path of libchdb.so)", ErrLibrary, path, err, libpath.EnvVar)
	}
	l := &library{path: path}
	for name, fptr := range map[string]any{
		"chdb_connect":              &l.connect,
		"chdb_close_conn":           &l.closeConn,
		"chdb_query":                &l.query,
		"chdb_destroy_query_result": &l.destroyResult,
		"chdb_result_buffer":        &l.resultBuffer,
		"chdb_result_length":        &l.resultLength,
		"chdb_result_error":         &l.resultError,
	} {
		sym, err := purego.Dlsym(h, name)
		if err != nil {
			return nil, fmt.Errorf("%w: %s has no %s (not a libchdb of the C API this build needs): %w", ErrLibrary, path, name, err)
		}
		purego.RegisterFunc(fptr, sym)
	}
	if sym, err := purego.Dlsym(h, "chdb_set_signal_handlers_enabled"); err == nil {
		purego.RegisterFunc(&l.setSignalHandlersEnabled, sym)
	}
	return l, nil
}

// connectPath opens a chDB session on the data directory dir ("" for an
// in-memory session).
func (l *library) connectPath(dir string) (*cConnection, error) {
	args := []string{"clickhouse"}
	if dir != "" {
		args = append(args, "--path="+dir)
	}
	argv := make([]*byte, len(args))
	for i, a := range args {
		b := append([]byte(a), 0)
		argv[i] = &b[0]
	}
	// The Go runtime keeps its signal handlers (see signals.go).
	restore := keepSignals()
	if l.setSignalHandlersEnabled != nil {
		l.setSignalHandlersEnabled(0)
	}
	conn := l.connect(int32(len(argv)), argv)
	restore()
	runtime.KeepAlive(argv)
	if conn == nil {
		return nil, errors.New("chdb_connect returned no connection")
	}
	return conn, nil
}

// run executes sql on conn and returns its output copied into Go memory.
// Engine errors are parsed into *store.ServerError.
func (l *library) run(conn *cConnection, sql, format string) ([]byte, error) {
	res := l.query(conn.internal, sql, format)
	if res == nil { // a statement without output
		return nil, nil
	}
	defer l.destroyResult(res)
	if msg := l.resultError(res); msg != "" {
		return nil, parseError(msg)
	}
	n := int(l.resultLength(res))
	buf := l.resultBuffer(res)
	if n == 0 || buf == nil {
		return nil, nil
	}
	return append([]byte(nil), unsafe.Slice(buf, n)...), nil
}
