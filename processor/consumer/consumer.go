// Package consumer reads the statement topic in a consumer group, writes
// statements to a Sink in bounded batches, dead-letters what cannot be stored,
// records the consistency watermark, and commits offsets only after all of
// that succeeded (at-least-once; the store deduplicates by statement id). A
// batch is recorded as an intent before it is stored, so that a batch cut
// short by a crash is completed, exactly as it was, by the next reader of
// any of its partitions (see Intent).
package consumer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/platform/kafkatopic"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/watermark"
)

// Sink stores statements.
//
// Write returns nil only after every statement of batch is durably stored or
// returned as Rejected (invalid, or conflicting with a stored statement of the
// same id). Rejected statements go to the dead-letter topic. Any error means
// the batch may be stored in part: it is retried whole, with the same
// statements and the same token, until it succeeds, and never split or
// dead-lettered (a statement the store cannot take must come back as
// Rejected, not as an error). Writing the same batch again under its token
// completes it and repeats nothing; a statement already stored by another
// batch is skipped.
type Sink interface {
	Write(ctx context.Context, token string, batch []*envelope.Envelope) ([]Rejected, error)
}

// Rejected is a statement the sink refused, and why: Err matches
// store.ErrConflict (errors.Is) when another statement is stored under its
// id; otherwise it says what is wrong with the statement. Its text is the
// reason the dead-letter message carries.
type Rejected struct {
	Envelope *envelope.Envelope
	Err      error
}

// Progress persists, per partition, the watermark state and the intent of
// the batch being stored (progress.Store).
type Progress interface {
	// Load returns the saved progress of every partition of topic that has
	// a row.
	Load(ctx context.Context, topic string) (map[int]Saved, error)
	// Write replaces the row of every partition in states with its state
	// and intent (nil: none). partitions is the topic's partition count.
	Write(ctx context.Context, topic string, partitions int, states map[int]*watermark.Partition, intent *Intent) error
}

// Deps are the collaborators of a Consumer.
type Deps struct {
	Sink     Sink
	Progress Progress
	Log      *slog.Logger
	// Registerer receives the metrics; nil means none are registered.
	Registerer prometheus.Registerer
	// ShutdownTimeout bounds finishing the current batch and closing the
	// reader once Run's context ends.
	ShutdownTimeout time.Duration
	// SessionTimeout of the consumer group membership (kafka-go default 30 s).
	SessionTimeout time.Duration
}

// Options say which topics and group a Consumer reads and writes, and how it
// batches and retries.
type Options struct {
	Brokers []string
	// Topic is the statement topic read in consumer group GroupID;
	// DeadLetterTopic receives what cannot be stored.
	Topic           string
	DeadLetterTopic string
	GroupID         string
	ClientID        string
	// A batch is stored when it reaches BatchRows statements, BatchBytes
	// bytes of messages (0: no bound) or BatchAge since its first message.
	BatchRows  int
	BatchBytes int
	BatchAge   time.Duration
	// A failed store is retried after RetryMin, doubling up to RetryMax.
	RetryMin time.Duration
	RetryMax time.Duration
	// InstanceTTL is how long (in log time) a silent ingest instance holds
	// the watermark back (watermark.Partition.Apply).
	InstanceTTL time.Duration
}

// Consumer is one member of the processor consumer group.
type Consumer struct {
	r        *kafka.Reader
	dlq      *kafka.Writer
	sink     Sink
	progress Progress
	log      *slog.Logger
	m        *metrics

	brokers  []string
	topic    string
	dialer   *kafka.Dialer
	maxBytes int
	opts     Options
	shutdown time.Duration

	states     map[int]*watermark.Partition
	partitions int
	checked    time.Time
	// redone holds the tokens of the unfinished batches this member stored
	// again, so that one is redone once however many of its partitions the
	// member is given.
	redone map[string]bool
}

// New returns a consumer of o.Topic in group o.GroupID, dead-lettering to
// o.DeadLetterTopic. Nothing is read before Run.
func New(o Options, d Deps) (*Consumer, error) {
	switch {
	case len(o.Brokers) == 0 || o.Topic == "" || o.GroupID == "":
		return nil, errors.New("consumer: kafka brokers, topic and group_id must be set")
	case o.DeadLetterTopic == "" || o.DeadLetterTopic == o.Topic:
		return nil, errors.New("consumer: dead_letter_topic must be set and differ from the topic")
	case d.Sink == nil || d.Progress == nil:
		return nil, errors.New("consumer: sink and progress are required")
	case o.BatchRows < 1 || o.BatchAge <= 0 || o.RetryMin <= 0 || o.RetryMax < o.RetryMin || o.InstanceTTL <= 0:
		return nil, errors.New("consumer: invalid processor settings (batch_rows, batch_age, retry_min/max, instance_ttl)")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.ShutdownTimeout <= 0 {
		d.ShutdownTimeout = 10 * time.Second
	}
	m, err := newMetrics(d.Registerer)
	if err != nil {
		return nil, err
	}
	log := d.Log.With("topic", o.Topic, "group", o.GroupID)
	dialer := &kafka.Dialer{ClientID: o.ClientID, Timeout: 10 * time.Second}
	// A fetch response may hold a whole batch (MaxBytes = batch_bytes), so
	// a batch fills within batch_age: BenchmarkBatchFill gets tens of
	// thousands of 1.5 KB messages into one from a backlog (kafka-go's
	// queue of 100 fetched messages is no bottleneck). MinBytes 1: a lone
	// statement is not held back by the broker; batch_age alone decides how
	// long a batch waits.
	maxBytes := max(o.BatchBytes, 1<<20)
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:        o.Brokers,
		GroupID:        o.GroupID,
		Topic:          o.Topic,
		Dialer:         dialer,
		MinBytes:       1,
		MaxBytes:       maxBytes,
		MaxWait:        min(o.BatchAge, 250*time.Millisecond),
		CommitInterval: 0, // synchronous commits: errors are returned, never swallowed
		StartOffset:    kafka.FirstOffset,
		SessionTimeout: d.SessionTimeout,
		// A rebalance waits for every member to rejoin; a member finishes its
		// batch first, bounded by the shutdown timeout.
		RebalanceTimeout:      d.ShutdownTimeout + 5*time.Second,
		JoinGroupBackoff:      500 * time.Millisecond,
		WatchPartitionChanges: true,
		ReadBackoffMin:        50 * time.Millisecond,
		ReadBackoffMax:        time.Second,
		ErrorLogger:           kafka.LoggerFunc(func(msg string, args ...any) { log.Warn("kafka reader", "detail", fmt.Sprintf(msg, args...)) }),
	})
	dlq := &kafka.Writer{
		Addr:         kafka.TCP(o.Brokers...),
		Topic:        o.DeadLetterTopic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
		WriteTimeout: 10 * time.Second,
		Transport:    &kafka.Transport{ClientID: o.ClientID},
	}
	return &Consumer{
		r: r, dlq: dlq, sink: d.Sink, progress: d.Progress, log: log, m: m,
		brokers: o.Brokers, topic: o.Topic, dialer: dialer, maxBytes: maxBytes, opts: o, shutdown: d.ShutdownTimeout,
		states: map[int]*watermark.Partition{}, redone: map[string]bool{},
	}, nil
}

// Run consumes until ctx ends, then finishes and commits the current batch
// (bounded by the shutdown timeout) and closes the reader. It returns nil
// after a clean shutdown and an error when the consumer cannot go on.
func (c *Consumer) Run(ctx context.Context) (err error) {
	defer func() { err = errors.Join(err, c.close()) }()
	for {
		batch, ferr := c.fetch(ctx)
		if len(batch) > 0 {
			if perr := c.processDetached(ctx, batch); perr != nil {
				if ctx.Err() != nil {
					c.log.Warn("batch not committed at shutdown; it will be redelivered", "messages", len(batch), "err", perr)
					return nil
				}
				return perr
			}
		}
		if ferr != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("fetch from %s: %w", c.topic, ferr)
		}
	}
}

// fetch collects a batch: it waits for a first message, then takes more until
// batch_rows, batch_bytes or batch_age is reached. The error is non-nil only
// when fetching cannot go on (ctx ended or the reader failed).
func (c *Consumer) fetch(ctx context.Context) ([]kafka.Message, error) {
	first, err := c.r.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	batch := []kafka.Message{first}
	size := len(first.Value)
	actx, cancel := context.WithTimeout(ctx, c.opts.BatchAge)
	defer cancel()
	for len(batch) < c.opts.BatchRows && (c.opts.BatchBytes <= 0 || size < c.opts.BatchBytes) {
		m, err := c.r.FetchMessage(actx)
		if err != nil {
			if ctx.Err() == nil && actx.Err() != nil {
				break // age reached: flush
			}
			return batch, err
		}
		batch = append(batch, m)
		size += len(m.Value)
	}
	return batch, nil
}

// processDetached processes batch on a context that survives ctx by at most
// the shutdown timeout, so a batch in progress is finished and committed.
func (c *Consumer) processDetached(ctx context.Context, batch []kafka.Message) error {
	pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(c.shutdown, cancel) })
	defer stop()
	return c.process(pctx, batch)
}

// close closes the reader and the dead-letter writer, each bounded by the
// shutdown timeout (kafka-go's Close can hang).
func (c *Consumer) close() error {
	var errs []error
	if err := closeWithin(c.r.Close, c.shutdown); err != nil {
		errs = append(errs, fmt.Errorf("close reader: %w", err))
	}
	if err := closeWithin(c.dlq.Close, c.shutdown); err != nil {
		errs = append(errs, fmt.Errorf("close dead-letter writer: %w", err))
	}
	// The writer leaves the transport it was given open: close its
	// connections, and the goroutines serving them.
	c.dlq.Transport.(*kafka.Transport).CloseIdleConnections()
	return errors.Join(errs...)
}

// closeWithin runs closeFn and waits for it at most d.
func closeWithin(closeFn func() error, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- closeFn() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("timed out after %v", d)
	}
}

// partitionCount returns the topic's partition count, refreshed every 30 s.
func (c *Consumer) partitionCount(ctx context.Context) (int, error) {
	if c.partitions > 0 && time.Since(c.checked) < 30*time.Second {
		return c.partitions, nil
	}
	n, err := kafkatopic.Partitions(ctx, c.brokers, c.topic)
	if err != nil {
		if c.partitions > 0 {
			c.log.Warn("partition count refresh failed; keeping the last one", "err", err)
			return c.partitions, nil
		}
		return 0, err
	}
	c.partitions, c.checked = n, time.Now()
	return n, nil
}
