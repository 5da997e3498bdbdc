// Package clickhouse implements store.Engine on a ClickHouse server through
// clickhouse-go/v2, over its native TCP protocol or HTTP.
package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Options configures the connection.
type Options struct {
	Addr         []string      // host:port of each server; default localhost:9000 (native) or :8123 (http)
	Protocol     string        // "native" (default) or "http"
	Database     string        // default database of the session; queries qualify tables anyway
	Username     string        // default "default"
	Password     string        //
	Secure       bool          // TLS
	DialTimeout  time.Duration // default 10s
	MaxOpenConns int           // default 10
}

// Engine is a store.Engine on a ClickHouse server.
type Engine struct {
	conn driver.Conn
}

var _ store.Engine = (*Engine)(nil)

// insertSettings make every batch insert synchronous, whatever the server or
// user profile defaults to.
var insertSettings = ch.Settings{"async_insert": 0}

// Open connects and pings the server. An unreachable server gives an error
// wrapping store.ErrUnavailable.
func Open(ctx context.Context, o Options) (*Engine, error) {
	opts, err := o.driverOptions()
	if err != nil {
		return nil, err
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse open %v: %w", o.Addr, mapError(err))
	}
	e := &Engine{conn: conn}
	if err := e.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("clickhouse open %v: %w", o.Addr, err)
	}
	return e, nil
}

func (o Options) driverOptions() (*ch.Options, error) {
	var proto ch.Protocol
	switch strings.ToLower(o.Protocol) {
	case "", "native":
		proto = ch.Native
	case "http":
		proto = ch.HTTP
	default:
		return nil, fmt.Errorf("clickhouse: unknown protocol %q (want native or http)", o.Protocol)
	}
	opts := &ch.Options{
		Protocol:     proto,
		Addr:         o.Addr,
		Auth:         ch.Auth{Database: o.Database, Username: o.Username, Password: o.Password},
		DialTimeout:  o.DialTimeout,
		MaxOpenConns: o.MaxOpenConns,
		Settings:     insertSettings,
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 10 * time.Second
	}
	if opts.MaxOpenConns <= 0 {
		opts.MaxOpenConns = 10
	}
	opts.MaxIdleConns = min(5, opts.MaxOpenConns)
	if o.Secure {
		opts.TLS = tlsConfig()
	}
	return opts, nil
}

// Exec runs a statement that returns no rows.
func (e *Engine) Exec(ctx context.Context, q store.Query) error {
	a, err := args(q.Params)
	if err != nil {
		return fmt.Errorf("clickhouse exec: %w", err)
	}
	if err := e.conn.Exec(ctx, q.Text, a...); err != nil {
		return fmt.Errorf("clickhouse exec: %w", mapError(err))
	}
	return nil
}

// Query runs a SELECT.
func (e *Engine) Query(ctx context.Context, q store.Query) (store.Rows, error) {
	a, err := args(q.Params)
	if err != nil {
		return nil, fmt.Errorf("clickhouse query: %w", err)
	}
	r, err := e.conn.Query(ctx, q.Text, a...)
	if err != nil {
		return nil, fmt.Errorf("clickhouse query: %w", mapError(err))
	}
	return newRows(r), nil
}

// Insert writes the batch column-wise with one synchronous INSERT.
func (e *Engine) Insert(ctx context.Context, b *store.Batch) (err error) {
	n, err := b.Check()
	if err != nil || n == 0 {
		return err
	}
	cols := make([]string, len(b.Columns))
	for i, c := range b.Columns {
		cols[i] = store.Ident(c.Name)
	}
	settings := insertSettings
	if b.DedupToken != "" {
		settings = ch.Settings{}
		for k, v := range insertSettings {
			settings[k] = v
		}
		for k, v := range store.DedupSettings(b.DedupToken) {
			settings[k] = v
		}
	}
	ctx = ch.Context(ctx, ch.WithSettings(settings))
	batch, err := e.conn.PrepareBatch(ctx, "INSERT INTO "+b.Table+" ("+strings.Join(cols, ", ")+")")
	if err != nil {
		return fmt.Errorf("clickhouse insert into %s: prepare: %w", b.Table, mapError(err))
	}
	defer func() { _ = batch.Close() }()
	for i, c := range b.Columns {
		if err := batch.Column(i).Append(c.Data); err != nil {
			return fmt.Errorf("clickhouse insert into %s: column %s: %w", b.Table, c.Name, mapError(err))
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("clickhouse insert into %s: send: %w", b.Table, mapError(err))
	}
	return nil
}

// Ping checks that the server answers.
func (e *Engine) Ping(ctx context.Context) error {
	if err := e.conn.Ping(ctx); err != nil {
		return fmt.Errorf("clickhouse ping: %w", mapError(err))
	}
	return nil
}

// Close closes every connection. It is safe to call more than once.
func (e *Engine) Close() error {
	if err := e.conn.Close(); err != nil {
		return fmt.Errorf("clickhouse close: %w", err)
	}
	return nil
}
