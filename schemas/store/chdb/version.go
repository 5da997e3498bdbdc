package chdb

import (
	"fmt"
	"strings"
)

// LibraryVersion loads libchdb if needed and returns the engine's version
// (SELECT version()) and the path of the library. Without an open session it
// asks a short-lived in-memory session, so call it only when no Engine will
// be opened concurrently (chDB has one session per process).
func LibraryVersion() (version, path string, err error) {
	l, err := lib()
	if err != nil {
		return "", "", err
	}
	session.mu.Lock()
	defer session.mu.Unlock()
	conn := session.conn
	if conn == nil {
		if conn, err = l.connectPath(""); err != nil {
			return "", l.path, fmt.Errorf("chdb: version: %w", err)
		}
		defer l.closeConn(conn)
	}
	out, err := l.run(conn, "SELECT version()", "TabSeparatedRaw")
	if err != nil {
		return "", l.path, fmt.Errorf("chdb: version: %w", err)
	}
	return strings.TrimSpace(string(out)), l.path, nil
}
