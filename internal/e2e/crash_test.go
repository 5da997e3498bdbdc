package e2e

import (
	"context"
	"runtime"
	"sync"

	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/schemas/watermark"
)

// crashingProgress ends the processor's goroutine on its after-th progress
// write (intents, written before an insert, do not count), that is after a
// batch was inserted and before its progress is recorded or its offsets
// committed: what a kill -9 at the worst moment leaves behind.
type crashingProgress struct {
	consumer.Progress
	after int

	mu     sync.Mutex
	writes int
}

func (c *crashingProgress) Write(ctx context.Context, topic string, partitions int, states map[int]*watermark.Partition, intent *consumer.Intent) error {
	if intent != nil {
		return c.Progress.Write(ctx, topic, partitions, states, intent)
	}
	c.mu.Lock()
	c.writes++
	crash := c.writes >= c.after
	c.mu.Unlock()
	if crash {
		runtime.Goexit()
	}
	return c.Progress.Write(ctx, topic, partitions, states, nil)
}
