package chdb

import (
	"context"
	"fmt"
	"sync"
)

// pool holds the connections of the process's chDB engine: writers for
// inserts and readers for everything else, each connection used by one call
// at a time.
type pool struct {
	lib     *library
	writers chan *cConnection
	readers chan *cConnection
	done    chan struct{} // closed by close: no call may start any more
	once    sync.Once
	n       int // connections in all
}

// openPool connects opt.Writers + opt.Readers connections to the data
// directory dir and makes each one's inserts synchronous.
func openPool(l *library, dir string, opt Options) (*pool, error) {
	if opt.Readers <= 0 {
		opt.Readers = DefaultReaders
	}
	if opt.Writers <= 0 {
		opt.Writers = DefaultWriters
	}
	p := &pool{lib: l, writers: make(chan *cConnection, opt.Writers),
		readers: make(chan *cConnection, opt.Readers), done: make(chan struct{})}
	for i := 0; i < opt.Writers+opt.Readers; i++ {
		conn, err := l.connectPath(dir)
		if err != nil {
			p.close()
			return nil, err
		}
		// chDB defaults to async_insert=1 and settings are per connection:
		// make every insert of every connection synchronous (Insert also
		// says so on each statement).
		if _, err := l.run(conn, "SET async_insert = 0", "Null"); err != nil {
			l.closeConn(conn)
			p.close()
			return nil, fmt.Errorf("disable async_insert: %w", err)
		}
		p.n++
		if i < opt.Writers {
			p.writers <- conn
		} else {
			p.readers <- conn
		}
	}
	return p, nil
}

// take waits for a free connection of conns, until ctx ends or the pool
// closes.
func (p *pool) take(ctx context.Context, conns chan *cConnection) (*cConnection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case <-p.done:
		return nil, ErrClosed
	default:
	}
	select {
	case conn := <-conns:
		return conn, nil
	case <-p.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// close stops new calls, waits until every connection is back (the calls in
// progress returned) and closes them; closing the last connection shuts the
// engine down.
func (p *pool) close() {
	p.once.Do(func() { close(p.done) })
	for closed := 0; closed < p.n; closed++ {
		select {
		case conn := <-p.writers:
			p.lib.closeConn(conn)
		case conn := <-p.readers:
			p.lib.closeConn(conn)
		}
	}
	p.n = 0
}
