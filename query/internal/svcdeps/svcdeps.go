// Package svcdeps checks what every service of the read API is built from:
// the engine, the database and the authentication.
package svcdeps

import (
	"errors"
	"log/slog"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Missing returns one error "<pkg>: <Name> is required" for each of the
// engine, the database and the authenticator that is not set.
func Missing(pkg string, e store.Engine, db string, auth xapihttp.Authenticator) []error {
	var errs []error
	if e == nil {
		errs = append(errs, errors.New(pkg+": Engine is required"))
	}
	if db == "" {
		errs = append(errs, errors.New(pkg+": Database is required"))
	}
	if auth == nil {
		errs = append(errs, errors.New(pkg+": Auth is required"))
	}
	return errs
}

// Logger returns log, or a logger that discards when log is nil.
func Logger(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}
