package publish

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/platform/kafkatopic"
	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// explicit marks a message (in WriterData) that the balancer routes to its
// Partition field instead of hashing its key.
type explicit struct{}

// balancer hashes statement keys (every copy of an id on one partition) and
// routes heartbeats to the partition they name. It remembers how many
// partitions the writer's metadata reported.
type balancer struct {
	hash       kafka.Hash
	partitions atomic.Int64
}

func (b *balancer) Balance(msg kafka.Message, partitions ...int) int {
	if n := int64(len(partitions)); n > b.partitions.Load() {
		b.partitions.Store(n)
	}
	if _, ok := msg.WriterData.(explicit); ok {
		for _, p := range partitions {
			if p == msg.Partition {
				return p
			}
		}
	}
	return b.hash.Balance(msg, partitions...)
}

// run writes a heartbeat round at once and then every interval until stop.
func (k *Kafka) run() {
	defer close(k.stopped)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-k.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTicker(k.interval)
	defer t.Stop()
	for {
		if err := k.beat(ctx, false); err != nil && ctx.Err() == nil {
			k.log.Warn("heartbeat failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// beat writes one heartbeat to every partition. Its low watermark is taken
// before the write, so every statement it vouches for was acknowledged before
// the heartbeat and sits at a lower offset in its partition.
func (k *Kafka) beat(ctx context.Context, final bool) error {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	n := int(k.bal.partitions.Load())
	if n == 0 {
		var err error
		if n, err = kafkatopic.Partitions(ctx, k.brokers, k.topic); err != nil {
			k.m.heartbeats.WithLabelValues("error").Inc()
			return fmt.Errorf("heartbeat: %w", err)
		}
		k.bal.partitions.CompareAndSwap(0, int64(n))
	}
	env := &envelope.Envelope{V: envelope.Version, Kind: envelope.KindHeartbeat, Instance: k.instance,
		LowWatermark: k.tr.LowWatermark(), Final: final}
	v, err := env.Marshal()
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	msgs := make([]kafka.Message, n)
	for p := range msgs {
		msgs[p] = kafka.Message{Key: env.Key(), Value: v, Partition: p, WriterData: explicit{}}
	}
	if err := k.w.WriteMessages(ctx, msgs...); err != nil {
		k.m.heartbeats.WithLabelValues("error").Inc()
		return fmt.Errorf("heartbeat to %d partitions: %w", n, err)
	}
	k.m.heartbeats.WithLabelValues("ok").Inc()
	if !k.ready.Load() {
		k.ready.Store(true)
		k.log.Info("heartbeat reached every partition; ready", "partitions", n)
	}
	return nil
}
