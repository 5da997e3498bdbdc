package consumer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/watermark"
)

// Headers of a dead-lettered message. Key, value and the original headers are
// kept as they were.
const (
	HeaderReason    = "tributary-dlq-reason"
	HeaderCause     = "tributary-dlq-cause" // malformed or rejected
	HeaderTopic     = "tributary-dlq-topic"
	HeaderPartition = "tributary-dlq-partition"
	HeaderOffset    = "tributary-dlq-offset"
)

// errRejected is the reason of a refusal the sink gave no error for.
var errRejected = errors.New("rejected by the store")

type deadLetter struct {
	msg    *kafka.Message // nil when the sink rejected an envelope not of this batch
	env    *envelope.Envelope
	cause  string
	reason string
}

// process stores one batch, dead-letters what cannot be stored, writes the
// progress rows and commits. Each step starts only after the previous one
// succeeded; failures are retried until ctx ends. Before the insert the
// batch's intent is recorded in the progress row of each of its partitions
// (their watermark states unchanged), so that whoever reads them next can
// complete the batch if this member dies before the progress write.
func (c *Consumer) process(ctx context.Context, fetched []kafka.Message) error {
	msgs := canonical(fetched)
	c.m.batchSize.Observe(float64(len(msgs)))
	prior, err := c.prior(ctx, msgs)
	if err != nil {
		return err
	}
	envs, stmts, dead := decode(msgs)
	if len(stmts) > 0 {
		intent := intentOf(c.topic, msgs)
		if err := c.writeProgress(ctx, "record the batch intent", prior, &intent); err != nil {
			return err
		}
		refused, err := c.store(ctx, intent.Token, stmts)
		if err != nil {
			return err
		}
		origin := make(map[*envelope.Envelope]*kafka.Message, len(stmts))
		for i, e := range envs {
			if e != nil {
				origin[e] = &msgs[i]
			}
		}
		for _, r := range refused {
			dead = append(dead, deadLetter{msg: origin[r.Envelope], env: r.Envelope, cause: "rejected", reason: r.Err.Error()})
		}
	}
	if err := c.deadLetter(ctx, dead); err != nil {
		return err
	}
	next := advance(prior, msgs, envs, c.opts.InstanceTTL)
	if err := c.writeProgress(ctx, "write progress", next, nil); err != nil {
		return err
	}
	for p, st := range next {
		c.states[p] = st
	}
	if err := c.r.CommitMessages(ctx, msgs...); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("commit %d messages: %w", len(msgs), err)
		}
		// Typically a rebalance: the new owner gets the batch again, which
		// is harmless (at-least-once, deduplicated by id).
		c.log.Warn("commit failed; the batch may be redelivered", "messages", len(msgs), "err", err)
	}
	c.m.lag.Set(float64(c.r.Stats().Lag))
	return nil
}

// decode unmarshals every message: envs[i] is the envelope of msgs[i] (nil
// when malformed: dead-lettered), stmts the statement envelopes in batch
// order.
func decode(msgs []kafka.Message) (envs, stmts []*envelope.Envelope, dead []deadLetter) {
	envs = make([]*envelope.Envelope, len(msgs))
	for i := range msgs {
		e, err := envelope.Unmarshal(msgs[i].Value)
		if err != nil {
			dead = append(dead, deadLetter{msg: &msgs[i], cause: "malformed", reason: err.Error()})
			continue
		}
		envs[i] = e
		if e.Kind == envelope.KindStatement {
			stmts = append(stmts, e)
		}
	}
	return envs, stmts, dead
}

// writeProgress writes the progress rows of states with intent (nil clears
// it), retrying until ctx ends.
func (c *Consumer) writeProgress(ctx context.Context, what string, states map[int]*watermark.Partition, intent *Intent) error {
	return c.retry(ctx, what, func() error {
		n, err := c.partitionCount(ctx)
		if err != nil {
			return err
		}
		return c.progress.Write(ctx, c.topic, n, states, intent)
	})
}

// store writes stmts to the sink under the deduplication token. Every error
// is retried with capped exponential backoff, with the same statements and
// the same token, until the write succeeds or ctx ends: a failed write may
// have stored the batch in some tables and not others, and only the same
// batch under the same token completes it without repeating anything. (A
// part of it under a token of its own would be another batch: the tables
// the failed attempt reached would get its rows twice, and the ids the
// attempt wrote to statement_ids would look stored, so the part would skip
// them.) Statements the sink rejected are returned.
func (c *Consumer) store(ctx context.Context, token string, stmts []*envelope.Envelope) ([]Rejected, error) {
	wait := c.opts.RetryMin
	for {
		start := time.Now()
		rejected, err := c.sink.Write(ctx, token, stmts)
		c.m.insertDuration.Observe(time.Since(start).Seconds())
		if err == nil {
			out := make([]Rejected, 0, len(rejected))
			for _, r := range rejected {
				if r.Envelope == nil {
					c.log.Error("sink rejected a nil envelope; ignoring the rejection", "err", r.Err)
					continue
				}
				if r.Err == nil {
					r.Err = errRejected
				}
				out = append(out, r)
			}
			return out, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("store %d statements: %w", len(stmts), err)
		}
		c.m.sinkRetries.Inc()
		c.log.Warn("store failed; retrying the batch", "statements", len(stmts), "token", token, "backoff", wait, "err", err)
		if !sleep(ctx, wait) {
			return nil, fmt.Errorf("store %d statements: %w", len(stmts), err)
		}
		wait = min(2*wait, c.opts.RetryMax)
	}
}

// deadLetter writes dead letters to the dead-letter topic (acks=all), retrying
// until ctx ends: a message is never dropped silently. Dead letters are
// at-least-once, like the topic: a batch redelivered after a crash between
// this step and the commit dead-letters its messages again.
func (c *Consumer) deadLetter(ctx context.Context, dead []deadLetter) error {
	if len(dead) == 0 {
		return nil
	}
	out := make([]kafka.Message, 0, len(dead))
	for _, d := range dead {
		reason := d.reason
		if len(reason) > 1024 {
			reason = reason[:1024]
		}
		var m kafka.Message
		if d.msg != nil {
			m.Key, m.Value = d.msg.Key, d.msg.Value
			m.Headers = append(m.Headers, d.msg.Headers...)
			m.Headers = append(m.Headers,
				kafka.Header{Key: HeaderTopic, Value: []byte(d.msg.Topic)},
				kafka.Header{Key: HeaderPartition, Value: []byte(strconv.Itoa(d.msg.Partition))},
				kafka.Header{Key: HeaderOffset, Value: []byte(strconv.FormatInt(d.msg.Offset, 10))})
			c.log.Warn("dead-lettering message", "partition", d.msg.Partition, "offset", d.msg.Offset, "cause", d.cause, "reason", reason)
		} else {
			v, err := d.env.Marshal()
			if err != nil {
				v = d.env.Statement
			}
			m.Key, m.Value = d.env.Key(), v
			c.log.Warn("dead-lettering envelope", "id", d.env.ID, "cause", d.cause, "reason", reason)
		}
		m.Headers = append(m.Headers, kafka.Header{Key: HeaderReason, Value: []byte(reason)},
			kafka.Header{Key: HeaderCause, Value: []byte(d.cause)})
		out = append(out, m)
	}
	if err := c.retry(ctx, "write dead letters", func() error { return c.dlq.WriteMessages(ctx, out...) }); err != nil {
		return err
	}
	for _, d := range dead {
		c.m.deadLetters.WithLabelValues(d.cause).Inc()
	}
	return nil
}

// advance returns the watermark states of the batch's partitions with the
// batch applied to copies of their prior states.
func advance(prior map[int]*watermark.Partition, msgs []kafka.Message, envs []*envelope.Envelope, ttl time.Duration) map[int]*watermark.Partition {
	next := make(map[int]*watermark.Partition, len(prior))
	for i, m := range msgs {
		st, ok := next[m.Partition]
		if !ok {
			st = prior[m.Partition].Clone()
			next[m.Partition] = st
		}
		st.Apply(m.Offset, envs[i], ttl)
	}
	return next
}

// retry runs fn until it succeeds, with capped exponential backoff, until ctx ends.
func (c *Consumer) retry(ctx context.Context, what string, fn func() error) error {
	wait := c.opts.RetryMin
	for {
		err := fn()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		c.log.Warn("retrying", "step", what, "backoff", wait, "err", err)
		if !sleep(ctx, wait) {
			return fmt.Errorf("%s: %w", what, err)
		}
		wait = min(2*wait, c.opts.RetryMax)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
