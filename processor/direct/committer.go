// Package direct stores statements synchronously, for the all-in-one mode
// where no broker sits between ingest and the store. Concurrent requests are
// grouped into one insert (group commit): while one insert runs, the next
// requests queue up and go together in the next one. Publish returns only
// after the insert holding the request's statements succeeded, so an
// acknowledged statement is on disk and survives kill -9 of the process.
package direct

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// ErrClosed is returned by Publish after Close.
var ErrClosed = fmt.Errorf("statement committer closed: %w", store.ErrUnavailable)

// Writer stores a batch; *sink.Sink implements it.
type Writer interface {
	Write(ctx context.Context, token string, batch []*envelope.Envelope) ([]consumer.Rejected, error)
}

// Options tune grouping and retries.
type Options struct {
	// MaxRows bounds the statements of one insert.
	MaxRows int
	// RetryMin and RetryMax bound the backoff between attempts on transient
	// store errors; RetryFor bounds how long a group is retried before its
	// requests fail with a transient error (503 to the client).
	RetryMin, RetryMax, RetryFor time.Duration
}

// Committer groups concurrent Publish calls into inserts.
type Committer struct {
	w    Writer
	opt  Options
	log  *slog.Logger
	reqs chan *request

	mu     sync.RWMutex
	closed bool
	done   chan struct{}
}

type request struct {
	envs   []*envelope.Envelope
	result chan error
}

// New starts a committer writing through w.
func New(w Writer, opt Options, log *slog.Logger) *Committer {
	if opt.MaxRows <= 0 {
		opt.MaxRows = 5000
	}
	c := &Committer{w: w, opt: opt, log: log, reqs: make(chan *request, 1024), done: make(chan struct{})}
	go c.run()
	return c
}

// Publish stores envs and returns nil once they are stored. A statement whose
// id is already stored with other content makes it return store.ErrConflict.
func (c *Committer) Publish(ctx context.Context, envs []*envelope.Envelope) error {
	if len(envs) == 0 {
		return nil
	}
	r := &request{envs: envs, result: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	select {
	case c.reqs <- r:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return fmt.Errorf("queue statements: %w: %w", store.ErrUnavailable, ctx.Err())
	}
	// Once queued, the request is written whatever happens to ctx: the answer
	// must reflect what was stored.
	return <-r.result
}

// Close stops accepting requests and returns after every queued request has
// been answered, or when ctx ends.
func (c *Committer) Close(ctx context.Context) error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.reqs)
	}
	c.mu.Unlock()
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("close statement committer: %w", ctx.Err())
	}
}

func (c *Committer) run() {
	defer close(c.done)
	for r := range c.reqs {
		group := []*request{r}
		rows := len(r.envs)
	drain:
		for rows < c.opt.MaxRows {
			select {
			case next, ok := <-c.reqs:
				if !ok {
					break drain
				}
				group = append(group, next)
				rows += len(next.envs)
			default:
				break drain
			}
		}
		c.commit(group, rows)
	}
}

func (c *Committer) commit(group []*request, rows int) {
	all := make([]*envelope.Envelope, 0, rows)
	for _, r := range group {
		all = append(all, r.envs...)
	}
	rejected, err := c.writeWithRetry(all)
	if err != nil {
		for _, r := range group {
			r.result <- err
		}
		return
	}
	refused := make(map[*envelope.Envelope]string, len(rejected))
	for _, rj := range rejected {
		refused[rj.Envelope] = rj.Reason
	}
	for _, r := range group {
		r.result <- requestError(r.envs, refused)
	}
}

func requestError(envs []*envelope.Envelope, refused map[*envelope.Envelope]string) error {
	for _, e := range envs {
		if reason, ok := refused[e]; ok {
			if reason == sink.ReasonConflict {
				return fmt.Errorf("statement %s: %w", e.ID, store.ErrConflict)
			}
			return fmt.Errorf("statement %s refused by the store: %s", e.ID, reason)
		}
	}
	return nil
}

func (c *Committer) writeWithRetry(all []*envelope.Envelope) ([]consumer.Rejected, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.opt.RetryFor)
	defer cancel()
	wait := c.opt.RetryMin
	for attempt := 1; ; attempt++ {
		rejected, err := c.w.Write(ctx, "", all)
		if err == nil || !store.IsTransient(err) {
			return rejected, err
		}
		c.log.Warn("store write failed, retrying", "attempt", attempt, "statements", len(all), "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("store statements after %d attempts: %w", attempt, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, c.opt.RetryMax)
	}
}
