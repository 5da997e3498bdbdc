package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// Kafka is the Publisher writing to a Kafka topic through a kafka-go Writer.
// It also runs the instance's heartbeat loop, started by NewKafka.
type Kafka struct {
	w        *kafka.Writer
	bal      *balancer
	tr       *inflight.Tracker
	log      *slog.Logger
	m        *metrics
	brokers  []string
	topic    string
	instance string
	timeout  time.Duration
	interval time.Duration

	ready   atomic.Bool
	closed  atomic.Bool
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

var _ Publisher = (*Kafka)(nil)

// KafkaOptions say where a Kafka publisher writes and how long it waits.
type KafkaOptions struct {
	Brokers []string
	Topic   string
	// ClientID names the client to the brokers and prefixes the instance
	// name of the heartbeats ("ingest" when empty).
	ClientID string
	// PublishTimeout bounds a publish (and every broker call); a publish
	// not acknowledged by then fails with ErrUnavailable.
	PublishTimeout time.Duration
	// HeartbeatInterval is how often a heartbeat goes to every partition.
	HeartbeatInterval time.Duration
	// BatchTimeout and BatchSize bound the writer's batches (BatchSize
	// below 1: 100).
	BatchTimeout time.Duration
	BatchSize    int
}

// NewKafka returns a publisher for o.Topic and starts its heartbeat loop.
// The instance is Ready once one heartbeat reached every partition; Publish
// refuses (ErrUnavailable) before that. Stop it with Close.
func NewKafka(o KafkaOptions, tr *inflight.Tracker, log *slog.Logger, reg prometheus.Registerer) (*Kafka, error) {
	switch {
	case len(o.Brokers) == 0 || o.Topic == "":
		return nil, errors.New("publish: kafka brokers and topic must be set")
	case tr == nil:
		return nil, errors.New("publish: tracker is nil")
	case o.PublishTimeout <= 0 || o.HeartbeatInterval <= 0 || o.BatchTimeout <= 0:
		return nil, errors.New("publish: publish_timeout, heartbeat_interval and batch_timeout must be positive")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg, func() float64 { return float64(tr.InFlight()) })
	if err != nil {
		return nil, err
	}
	bal := &balancer{}
	k := &Kafka{
		bal: bal, tr: tr, m: m, brokers: o.Brokers, topic: o.Topic,
		instance: instanceName(o.ClientID), timeout: o.PublishTimeout, interval: o.HeartbeatInterval,
		stop: make(chan struct{}), stopped: make(chan struct{}),
	}
	k.log = log.With("instance", k.instance, "topic", o.Topic)
	batch := o.BatchSize
	if batch < 1 {
		batch = 100
	}
	k.w = &kafka.Writer{
		Addr:            kafka.TCP(o.Brokers...),
		Topic:           o.Topic,
		Balancer:        bal,
		RequiredAcks:    kafka.RequireAll, // durable before acknowledged
		Async:           false,
		BatchTimeout:    o.BatchTimeout, // never kafka-go's 1 s default
		BatchSize:       batch,
		MaxAttempts:     5,
		WriteBackoffMin: 10 * time.Millisecond,
		WriteBackoffMax: 250 * time.Millisecond,
		WriteTimeout:    o.PublishTimeout,
		ReadTimeout:     o.PublishTimeout,
		Compression:     kafka.Lz4,
		Transport: &kafka.Transport{
			ClientID:    o.ClientID,
			DialTimeout: min(o.PublishTimeout, 5*time.Second),
			MetadataTTL: 10 * time.Second,
		},
	}
	go k.run()
	return k, nil
}

func instanceName(clientID string) string {
	if clientID == "" {
		clientID = "ingest"
	}
	return clientID + "-" + uuid.NewString()
}

// Instance is the name this process writes in its heartbeats (unique per start).
func (k *Kafka) Instance() string { return k.instance }

// Ready reports whether a heartbeat reached every partition since start, so
// the processors know this instance before any of its statements.
func (k *Kafka) Ready() bool { return k.ready.Load() && !k.closed.Load() }

// Publish implements Publisher.
func (k *Kafka) Publish(ctx context.Context, envs []*envelope.Envelope) error {
	if len(envs) == 0 {
		return nil
	}
	if k.closed.Load() {
		return fmt.Errorf("publish: %w: publisher closed", ErrUnavailable)
	}
	if !k.ready.Load() {
		return fmt.Errorf("publish: %w: no heartbeat on every partition yet", ErrUnavailable)
	}
	msgs := make([]kafka.Message, len(envs))
	for i, e := range envs {
		if e.Kind != envelope.KindStatement {
			return fmt.Errorf("publish: envelope %d is a %s, want a statement", i, e.Kind)
		}
		v, err := e.Marshal()
		if err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		msgs[i] = kafka.Message{Key: e.Key(), Value: v}
	}
	start := time.Now()
	err := k.write(ctx, msgs)
	k.m.produceDuration.Observe(time.Since(start).Seconds())
	if err != nil {
		k.m.produceErrors.Inc()
		return fmt.Errorf("publish %d statements: %w", len(envs), err)
	}
	return nil
}

// write writes msgs bounded by the publish timeout and classifies the error.
func (k *Kafka) write(ctx context.Context, msgs []kafka.Message) error {
	wctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	err := k.w.WriteMessages(wctx, msgs...)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil { // the caller gave up, not Kafka
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	if tooLarge(err) {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

func tooLarge(err error) bool {
	if errors.Is(err, kafka.MessageSizeTooLarge) {
		return true
	}
	var werrs kafka.WriteErrors
	if errors.As(err, &werrs) {
		for _, e := range werrs {
			if e != nil && errors.Is(e, kafka.MessageSizeTooLarge) {
				return true
			}
		}
	}
	return false
}

// Close stops the heartbeat loop, waits (bounded by ctx) until no statement is
// in flight, writes a Final heartbeat to every partition and closes the writer.
// Call it after the HTTP server stopped accepting statements. When statements
// are still in flight at the deadline, the last heartbeat is not Final, so the
// processors keep holding the watermark for this instance until its TTL.
func (k *Kafka) Close(ctx context.Context) error {
	var err error
	k.once.Do(func() {
		k.closed.Store(true)
		close(k.stop)
		<-k.stopped
		final := k.drain(ctx)
		if herr := k.beat(ctx, final); herr != nil {
			err = fmt.Errorf("final heartbeat: %w", herr)
		}
		done := make(chan error, 1)
		go func() {
			werr := k.w.Close()
			// The writer leaves the transport it was given open: close its
			// connections, and the goroutines serving them.
			k.w.Transport.(*kafka.Transport).CloseIdleConnections()
			done <- werr
		}()
		select {
		case cerr := <-done:
			err = errors.Join(err, cerr)
		case <-ctx.Done():
			err = errors.Join(err, fmt.Errorf("close kafka writer: %w", ctx.Err()))
		}
	})
	return err
}

// drain waits until nothing is in flight; false when ctx ended first.
func (k *Kafka) drain(ctx context.Context) bool {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for k.tr.InFlight() > 0 {
		select {
		case <-ctx.Done():
			k.log.Warn("statements still in flight at close; last heartbeat is not final", "in_flight", k.tr.InFlight())
			return false
		case <-t.C:
		}
	}
	return true
}
