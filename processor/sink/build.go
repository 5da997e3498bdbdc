package sink

import (
	"runtime"
	"sync"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

type built struct {
	row store.StatementRow
	err error
}

// parallelFrom is the batch size from which rows are built on every core:
// decoding and validating a statement costs tens of microseconds, and the
// batch loop is otherwise single-threaded.
const parallelFrom = 64

// buildRows builds the row of every envelope (row), in parallel for large batches.
func buildRows(batch []*envelope.Envelope) []built {
	out := make([]built, len(batch))
	workers := runtime.GOMAXPROCS(0)
	if len(batch) < parallelFrom || workers < 2 {
		for i, env := range batch {
			out[i].row, out[i].err = row(env)
		}
		return out
	}
	var wg sync.WaitGroup
	chunk := (len(batch) + workers - 1) / workers
	for start := 0; start < len(batch); start += chunk {
		end := min(start+chunk, len(batch))
		wg.Add(1)
		go func(part []*envelope.Envelope, dst []built) {
			defer wg.Done()
			for i, env := range part {
				dst[i].row, dst[i].err = row(env)
			}
		}(batch[start:end], out[start:end])
	}
	wg.Wait()
	return out
}
