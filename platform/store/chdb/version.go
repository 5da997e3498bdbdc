package chdb

import (
	"context"
	"fmt"
	"strings"
)

// LibraryVersion loads libchdb if needed and returns the engine's version
// (SELECT version()) and the path of the library. Without an open engine it
// asks a short-lived in-memory one, so call it only when no Engine will be
// opened concurrently (a process binds one data directory at a time).
func LibraryVersion() (version, path string, err error) {
	l, err := lib()
	if err != nil {
		return "", "", err
	}
	session.mu.Lock()
	defer session.mu.Unlock()
	var out []byte
	if session.pool != nil {
		e := &Engine{pool: session.pool}
		out, err = e.Raw(context.Background(), "SELECT version()", "TabSeparatedRaw")
	} else {
		conn, cerr := l.connectPath("")
		if cerr != nil {
			return "", l.path, fmt.Errorf("chdb: version: %w", cerr)
		}
		defer l.closeConn(conn)
		out, err = l.run(conn, "SELECT version()", "TabSeparatedRaw")
	}
	if err != nil {
		return "", l.path, fmt.Errorf("chdb: version: %w", err)
	}
	return strings.TrimSpace(string(out)), l.path, nil
}
