package clickhouse

import "github.com/tributary-lrs/tributary/schemas/config"

// FromConfig returns the options of the configured server. The session has no
// default database: every query names its tables, and `tributary migrate` must
// connect before the database exists.
func FromConfig(c config.ClickHouse) Options {
	return Options{Addr: c.Addr, Protocol: c.Protocol, Username: c.Username, Password: c.Password,
		Secure: c.Secure, DialTimeout: c.DialTimeout, MaxOpenConns: c.MaxOpenConns}
}
