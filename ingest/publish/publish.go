// Package publish writes statement envelopes to Kafka and keeps the ingest
// instance's heartbeats flowing (see schemas/watermark for their meaning).
package publish

import (
	"context"
	"errors"

	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// Publisher writes envelopes to the statement topic.
//
// Publish returns nil only after Kafka acknowledged every message with acks=all.
// When Kafka cannot take them (unreachable, timeout, not ready, closed) the
// error wraps ErrUnavailable: answer 503 with Retry-After. A message larger
// than the broker accepts wraps ErrTooLarge. On any error some of the messages
// may still have been written; the client retries and the store deduplicates by
// statement id.
//
// The caller assigns Stored with inflight.Tracker.Begin before building the
// envelopes and calls its done func after Publish returned.
type Publisher interface {
	Publish(ctx context.Context, msgs []*envelope.Envelope) error
}

// ErrUnavailable means Kafka did not acknowledge the messages in time.
var ErrUnavailable = errors.New("kafka unavailable")

// ErrTooLarge means a message exceeds the maximum message size.
var ErrTooLarge = errors.New("message too large for kafka")
