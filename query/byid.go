package query

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/tributary-lrs/tributary/query/statements"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// byIDReader reads statements by id from the store, the reads that arrive
// together in one query: a query's cost in the engine is mostly its own
// (planning, one index lookup per table), not its rows', so under load many
// statementId GETs cost little more than one. A read that finds no batch
// running starts one at once; the reads that arrive while maxBatches run
// wait for the next, which takes up to maxBatchIDs of them.
type byIDReader struct {
	engine  store.Engine
	db      string
	timeout time.Duration // of one batch's query, whoever waits for it

	mu      sync.Mutex
	waiting []*byIDRead
	running int
}

const (
	maxBatches  = 2  // queries of reads by id running at once
	maxBatchIDs = 64 // ids in one query
)

// byIDRead is one read waiting for its batch.
type byIDRead struct {
	v         statements.Viewer
	id        uuid.UUID
	askVoided bool // whether the store must say if it is voided
	done      chan struct{}
	res       storedRow
	err       error
}

// storedRow is a statement as the store holds it.
type storedRow struct {
	raw    []byte
	stored time.Time
	voided bool
	found  bool
}

// read returns statement id as v may see it; voided is only read from the
// store when askVoided (else it may be false).
func (b *byIDReader) read(ctx context.Context, v statements.Viewer, id uuid.UUID, askVoided bool) (storedRow, error) {
	r := &byIDRead{v: v, id: id, askVoided: askVoided, done: make(chan struct{})}
	b.mu.Lock()
	b.waiting = append(b.waiting, r)
	start := b.running < maxBatches
	if start {
		b.running++
	}
	b.mu.Unlock()
	if start {
		b.runBatch()
	}
	select {
	case <-r.done:
		return r.res, r.err
	case <-ctx.Done():
		return storedRow{}, ctx.Err()
	}
}

// runBatch reads the waiting reads (up to maxBatchIDs), then hands the
// ones that arrived meanwhile to a new batch: no read waits for a batch
// that is not running.
func (b *byIDReader) runBatch() {
	b.mu.Lock()
	n := min(len(b.waiting), maxBatchIDs)
	batch := b.waiting[:n:n]
	b.waiting = b.waiting[n:]
	b.mu.Unlock()

	// The batch answers other requests too: none of their contexts may
	// cancel it, its own timeout bounds it.
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	b.answer(ctx, batch)
	cancel()

	b.mu.Lock()
	more := len(b.waiting) > 0
	if !more {
		b.running--
	}
	b.mu.Unlock()
	if more {
		go b.runBatch()
	}
}

// answer reads batch, one query per viewer, and wakes every read.
func (b *byIDReader) answer(ctx context.Context, batch []*byIDRead) {
	byViewer := map[statements.Viewer][]*byIDRead{}
	askVoids := false
	for _, r := range batch {
		byViewer[r.v] = append(byViewer[r.v], r)
		askVoids = askVoids || r.askVoided
	}
	for v, reads := range byViewer {
		rows, err := b.query(ctx, v, reads, askVoids)
		for _, r := range reads {
			r.res, r.err = rows[r.id], err
			close(r.done)
		}
	}
}

func (b *byIDReader) query(ctx context.Context, v statements.Viewer, reads []*byIDRead, askVoids bool) (map[uuid.UUID]storedRow, error) {
	ids := make([]uuid.UUID, len(reads))
	for i, r := range reads {
		ids[i] = r.id
	}
	rows, err := b.engine.Query(ctx, statements.ByIDSQL(b.db, v, ids, askVoids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[uuid.UUID]storedRow, len(ids))
	for rows.Next() {
		var id uuid.UUID
		var r storedRow
		if err := rows.Scan(&id, &r.stored, &r.raw, &r.voided); err != nil {
			return nil, fmt.Errorf("read statements by id: %w", err)
		}
		r.found = true
		out[id] = r
	}
	return out, rows.Err()
}
