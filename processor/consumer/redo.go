package consumer

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/schemas/watermark"
)

// readTimeout bounds one attempt at reading an unfinished batch back from
// Kafka; a failed attempt is retried until the consumer stops.
const readTimeout = 30 * time.Second

// prior returns the watermark state of each partition of the canonical batch
// msgs before the batch. A partition whose first message does not follow the
// state in memory (first sight, rebalance, redelivery) starts from its saved
// progress; when that holds the intent of a batch that covers offsets the
// group has not committed, that batch is completed first (redo), before any
// message of the partition is processed.
func (c *Consumer) prior(ctx context.Context, msgs []kafka.Message) (map[int]*watermark.Partition, error) {
	out := map[int]*watermark.Partition{}
	var saved map[int]Saved
	for _, m := range msgs {
		if _, done := out[m.Partition]; done {
			continue // canonical order: a partition's first message comes first
		}
		if cur := c.states[m.Partition]; cur != nil && m.Offset == cur.Offset+1 {
			out[m.Partition] = cur
			continue
		}
		if saved == nil {
			err := c.retry(ctx, "load progress", func() (err error) {
				saved, err = c.progress.Load(ctx, c.topic)
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		s := saved[m.Partition]
		out[m.Partition] = s.State
		if s.State == nil {
			out[m.Partition] = watermark.New()
		}
		if in := s.Intent; in != nil && in.pending(m.Partition, m.Offset) && !c.redone[in.Token] {
			if err := c.redo(ctx, *in); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// redo stores the batch of an unfinished intent again, exactly as it was:
// the messages of every span (of partitions this member owns or not) read
// back from Kafka in canonical order, written under the intent's token. The
// engine then completes the tables a failed attempt missed and repeats
// nothing, whoever redoes it and however often (two members redoing one
// intent at once store it once). What the sink rejects is left to the
// normal path: every message of the batch is still to be processed by the
// owner of its partition, which dead-letters it then. The intent is cleared
// by the progress writes of the batches that follow, each for its own
// partitions.
func (c *Consumer) redo(ctx context.Context, in Intent) error {
	c.log.Warn("completing the unfinished batch of a stopped member", "token", in.Token)
	var msgs []kafka.Message
	err := c.retry(ctx, "read an unfinished batch back", func() error {
		var err error
		msgs, err = c.readSpans(ctx, in.Spans)
		return err
	})
	if err != nil {
		return err
	}
	if got := intentOf(c.topic, msgs).Token; got != in.Token {
		// Only when messages were deleted (retention) before the batch was
		// completed: what is left is stored, under the batch's token.
		c.log.Error("an unfinished batch no longer reads back whole from Kafka", "token", in.Token, "read", got)
	}
	_, stmts, _ := decode(msgs)
	if len(stmts) > 0 {
		if _, err := c.store(ctx, in.Token, stmts); err != nil {
			return err
		}
	}
	c.redone[in.Token] = true
	c.m.redone.Inc()
	return nil
}

// readSpans reads the messages of spans from Kafka with a partition reader
// outside the group each, in canonical order.
func (c *Consumer) readSpans(ctx context.Context, spans []Span) ([]kafka.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	var out []kafka.Message
	for _, s := range spans {
		msgs, err := c.readSpan(ctx, s)
		if err != nil {
			return nil, err
		}
		out = append(out, msgs...)
	}
	return canonical(out), nil
}

func (c *Consumer) readSpan(ctx context.Context, s Span) (out []kafka.Message, err error) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: c.brokers, Topic: c.topic, Partition: s.Partition, Dialer: c.dialer,
		MinBytes: 1, MaxBytes: c.maxBytes, MaxWait: 250 * time.Millisecond,
		ReadBackoffMin: 50 * time.Millisecond, ReadBackoffMax: time.Second,
	})
	defer func() {
		if cerr := closeWithin(r.Close, c.shutdown); cerr != nil {
			c.log.Warn("closing a partition reader", "partition", s.Partition, "err", cerr)
		}
	}()
	if err := r.SetOffset(s.First); err != nil {
		return nil, fmt.Errorf("read partition %d from offset %d: %w", s.Partition, s.First, err)
	}
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return nil, fmt.Errorf("read partition %d offsets %d-%d (got %d messages): %w", s.Partition, s.First, s.Last, len(out), err)
		}
		if m.Offset > s.Last {
			return out, nil
		}
		if m.Offset >= s.First {
			out = append(out, m)
		}
		if m.Offset == s.Last {
			return out, nil
		}
	}
}
