package consumer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/processor/watermark"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Headers of a dead-lettered message. Key, value and the original headers are
// kept as they were.
const (
	HeaderReason    = "tributary-dlq-reason"
	HeaderCause     = "tributary-dlq-cause" // malformed, rejected or poison
	HeaderTopic     = "tributary-dlq-topic"
	HeaderPartition = "tributary-dlq-partition"
	HeaderOffset    = "tributary-dlq-offset"
)

type deadLetter struct {
	msg    *kafka.Message // nil when the sink rejected an envelope not of this batch
	env    *envelope.Envelope
	cause  string
	reason string
}

// process stores one batch, dead-letters what cannot be stored, writes the
// progress rows and commits. Each step starts only after the previous one
// succeeded; transient failures are retried until ctx ends.
func (c *Consumer) process(ctx context.Context, msgs []kafka.Message) error {
	c.m.batchSize.Observe(float64(len(msgs)))
	envs := make([]*envelope.Envelope, len(msgs))
	origin := map[*envelope.Envelope]*kafka.Message{}
	var stmts []*envelope.Envelope
	var dead []deadLetter
	for i := range msgs {
		e, err := envelope.Unmarshal(msgs[i].Value)
		if err != nil {
			dead = append(dead, deadLetter{msg: &msgs[i], cause: "malformed", reason: err.Error()})
			continue
		}
		envs[i] = e
		if e.Kind == envelope.KindStatement {
			stmts = append(stmts, e)
			origin[e] = &msgs[i]
		}
	}
	if len(stmts) > 0 {
		refused, err := c.store(ctx, batchToken(c.topic, msgs), stmts)
		if err != nil {
			return err
		}
		for _, d := range refused {
			d.msg = origin[d.env]
			dead = append(dead, d)
		}
	}
	if err := c.deadLetter(ctx, dead); err != nil {
		return err
	}
	states, err := c.advance(ctx, msgs, envs)
	if err != nil {
		return err
	}
	err = c.retry(ctx, "write progress", func() error {
		n, err := c.partitionCount(ctx)
		if err != nil {
			return err
		}
		return c.progress.Write(ctx, c.topic, n, states)
	})
	if err != nil {
		return err
	}
	for p, st := range states {
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

// store writes stmts to the sink under the deduplication token. Transient
// errors are retried with capped exponential backoff, with the same token;
// any other error is bisected down to the statement that causes it, which
// is returned with cause "poison" (each half under a token of its own);
// statements the sink rejected come back with cause "rejected".
func (c *Consumer) store(ctx context.Context, token string, stmts []*envelope.Envelope) ([]deadLetter, error) {
	wait := c.pcfg.RetryMin
	for {
		start := time.Now()
		rejected, err := c.sink.Write(ctx, token, stmts)
		c.m.insertDuration.Observe(time.Since(start).Seconds())
		switch {
		case err == nil:
			out := make([]deadLetter, 0, len(rejected))
			for _, r := range rejected {
				if r.Envelope == nil {
					c.log.Error("sink rejected a nil envelope; ignoring the rejection", "reason", r.Reason)
					continue
				}
				if r.Reason == "" {
					r.Reason = "rejected by the store"
				}
				out = append(out, deadLetter{env: r.Envelope, cause: "rejected", reason: r.Reason})
			}
			return out, nil
		case ctx.Err() != nil:
			return nil, fmt.Errorf("store %d statements: %w", len(stmts), err)
		case store.IsTransient(err) || errors.Is(err, context.DeadlineExceeded):
			c.m.sinkRetries.Inc()
			c.log.Warn("store unavailable; retrying the batch", "statements", len(stmts), "backoff", wait, "err", err)
			if !sleep(ctx, wait) {
				return nil, fmt.Errorf("store %d statements: %w", len(stmts), err)
			}
			wait = min(2*wait, c.pcfg.RetryMax)
			continue
		case len(stmts) == 1:
			c.log.Error("statement cannot be stored; dead-lettering it", "id", stmts[0].ID, "err", err)
			return []deadLetter{{env: stmts[0], cause: "poison", reason: err.Error()}}, nil
		}
		mid := len(stmts) / 2
		left, err := c.store(ctx, token+"/0", stmts[:mid])
		if err != nil {
			return nil, err
		}
		right, err := c.store(ctx, token+"/1", stmts[mid:])
		if err != nil {
			return nil, err
		}
		return append(left, right...), nil
	}
}

// batchToken names a batch by its messages' offsets: topic, then each
// partition with its first and last offset, in partition order. A retry of
// the same messages gets the same token.
func batchToken(topic string, msgs []kafka.Message) string {
	type span struct{ first, last int64 }
	spans := map[int]span{}
	for _, m := range msgs {
		s, ok := spans[m.Partition]
		if !ok {
			s = span{m.Offset, m.Offset}
		}
		s.first, s.last = min(s.first, m.Offset), max(s.last, m.Offset)
		spans[m.Partition] = s
	}
	parts := make([]int, 0, len(spans))
	for p := range spans {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	var b strings.Builder
	b.WriteString("kafka:" + topic)
	for _, p := range parts {
		fmt.Fprintf(&b, ":%d@%d-%d", p, spans[p].first, spans[p].last)
	}
	return b.String()
}

// deadLetter writes dead letters to the dead-letter topic (acks=all), retrying
// until ctx ends: a message is never dropped silently.
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
// batch applied, without touching the current ones. A partition whose first
// message does not follow the state in memory (first sight, rebalance,
// redelivery) starts from the persisted state.
func (c *Consumer) advance(ctx context.Context, msgs []kafka.Message, envs []*envelope.Envelope) (map[int]*watermark.Partition, error) {
	next := map[int]*watermark.Partition{}
	var persisted map[int]*watermark.Partition
	for i, m := range msgs {
		st, ok := next[m.Partition]
		if !ok {
			cur := c.states[m.Partition]
			if cur == nil || m.Offset != cur.Offset+1 {
				if persisted == nil {
					err := c.retry(ctx, "load progress", func() (err error) {
						persisted, err = c.progress.Load(ctx, c.topic)
						return err
					})
					if err != nil {
						return nil, err
					}
				}
				cur = persisted[m.Partition]
				if cur == nil {
					cur = watermark.New()
				}
			}
			st = cur.Clone()
			next[m.Partition] = st
		}
		st.Apply(m.Offset, envs[i], c.pcfg.InstanceTTL)
	}
	return next, nil
}

// retry runs fn until it succeeds, with capped exponential backoff, until ctx ends.
func (c *Consumer) retry(ctx context.Context, what string, fn func() error) error {
	wait := c.pcfg.RetryMin
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
		wait = min(2*wait, c.pcfg.RetryMax)
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
