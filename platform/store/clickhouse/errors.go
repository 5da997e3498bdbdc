package clickhouse

import (
	"context"
	"crypto/tls"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"syscall"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// codeNameRe finds the symbolic error name in exception text, "(UNKNOWN_TABLE)".
var codeNameRe = regexp.MustCompile(`\(([A-Z][A-Z0-9_]+)\)`)

// mapError classifies a driver error: a server exception becomes a
// *store.ServerError, a failure to reach the server wraps
// store.ErrUnavailable, the caller's own context errors stay as they are.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var ex *ch.Exception
	if errors.As(err, &ex) {
		name := ex.CodeName
		if name == "" {
			if ms := codeNameRe.FindAllStringSubmatch(ex.Message, -1); ms != nil {
				name = ms[len(ms)-1][1]
			}
		}
		return &store.ServerError{Code: ex.Code, Name: name, Message: ex.Message}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if unavailable(err) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}

func unavailable(err error) bool {
	var netErr net.Error
	var httpErr *ch.HTTPError
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ch.ErrAcquireConnTimeout),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed),
		errors.As(err, &netErr):
		return true
	case errors.As(err, &httpErr):
		// A non-200 answer without a server exception: a proxy or an
		// overloaded server (502, 503, 504) rather than a bad query.
		return httpErr.StatusCode >= 500
	}
	return false
}

func tlsConfig() *tls.Config { return &tls.Config{MinVersion: tls.VersionTLS12} }
