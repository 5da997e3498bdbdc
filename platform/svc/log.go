// Package svc is the process lifecycle every Tributary role shares: the
// logger, the HTTP server with /metrics, /healthz and /readyz, readiness
// checks, request metrics, and one shutdown order bounded step by step.
package svc

import (
	"io"
	"log/slog"
	"strings"

	"github.com/tributary-lrs/tributary/platform/config"
)

// NewLogger returns a slog.Logger writing to w in cfg.Format ("text", else
// JSON) at cfg.Level ("debug", "warn", "error", else info). Validate rejects
// other values before this is called. Durations are written as strings with
// their unit ("20.2µs", "1.5s"), in JSON too, never as bare nanoseconds.
func NewLogger(cfg config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(cfg.Level) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationString}
	if strings.ToLower(cfg.Format) == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// durationString renders a time.Duration attribute with its unit.
func durationString(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}
