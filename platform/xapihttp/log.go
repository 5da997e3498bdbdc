package xapihttp

import (
	"context"
	"log/slog"
)

type loggerKey struct{}

// WithLogger returns ctx carrying log, the logger Error writes a 5xx to.
// The server that serves the requests puts it in every request's context
// (svc.NewServer: http.Server.BaseContext), so the handlers below it need no
// logger of their own to report a failure.
func WithLogger(ctx context.Context, log *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, log)
}

// loggerFrom returns the logger WithLogger put in ctx; without one, a
// logger that discards (a handler served outside a service, in a test).
func loggerFrom(ctx context.Context) *slog.Logger {
	if log, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok && log != nil {
		return log
	}
	return slog.New(slog.DiscardHandler)
}
