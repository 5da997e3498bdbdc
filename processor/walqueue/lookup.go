package walqueue

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/processor/wal"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Statement returns a statement this process has at hand: acknowledged but
// not stored yet, or among the most recently stored or read. Its stored
// time and the IFI key of its authority come with it. The statementId reads
// serve it without asking the store, so a client reads its own write at
// once.
func (q *Queue) Statement(tenant string, id uuid.UUID) (raw []byte, stored time.Time, authority string, ok bool) {
	k := store.StatementKey{Tenant: tenant, ID: id}
	if e, ok := q.pend.entry(k); ok {
		if env, err := q.load(e); err == nil {
			return env.Statement, env.Stored, authorityKey(env.Authority), true
		}
		// Trimmed meanwhile: stored, so in the cache below or in the store.
	}
	c, ok := q.known.recent.Get(k)
	if !ok {
		return nil, time.Time{}, "", false
	}
	return c.raw, c.stored, authorityKey(c.authority), true
}

// Remember keeps a statement read from the store for the next reads.
func (q *Queue) Remember(tenant string, id uuid.UUID, raw []byte, stored time.Time, authority []byte) {
	// Copies: the bytes may be part of a larger buffer (a query result).
	q.known.recent.Add(store.StatementKey{Tenant: tenant, ID: id},
		cached{raw: bytes.Clone(raw), stored: stored, authority: bytes.Clone(authority)})
}

// Voided reports whether a voiding statement, acknowledged or stored,
// targets the statement id, and whether the answer is authoritative (the
// stored voiding statements are loaded; until then the store must be
// asked).
func (q *Queue) Voided(tenant string, id uuid.UUID) (voided, authoritative bool) {
	k := store.StatementKey{Tenant: tenant, ID: id}
	if q.pend.isVoided(k) {
		return true, true
	}
	return q.known.isVoided(k)
}

// load returns the envelope of e with its statement bytes, read back from
// the log.
func (q *Queue) load(e *entry) (*envelope.Envelope, error) {
	var rec []byte
	err := q.withLog(func(l *wal.Log) (err error) {
		rec, err = l.Read(e.index)
		return err
	})
	if err != nil {
		return nil, err
	}
	_, payload, ok := bytes.Cut(rec, []byte{'\n'})
	if !ok {
		return nil, fmt.Errorf("write-ahead log record %d: %w", e.index, envelope.ErrMalformed)
	}
	env := *e.env
	env.Statement = bytes.Clone(payload) // not the log's buffer: it may be kept (read cache)
	return &env, nil
}

// VoidingLookup finds stored voiding statements (ingest's rule that a
// voiding statement cannot be voided).
type VoidingLookup interface {
	VoidingStatements(ctx context.Context, tenant string, ids []uuid.UUID) (map[uuid.UUID]bool, error)
}

// Voiding answers ingest's voiding lookup for the pending statements too.
type Voiding struct {
	Queue *Queue
	Store VoidingLookup
}

// VoidingStatements implements the lookup: the ids among ids that are
// voiding statements, pending or stored.
func (v Voiding) VoidingStatements(ctx context.Context, tenant string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out, err := v.Store.VoidingStatements(ctx, tenant, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if e, ok := v.Queue.pend.entry(store.StatementKey{Tenant: tenant, ID: id}); ok && e.voids.ID != uuid.Nil {
			out[id] = true
		}
	}
	return out, nil
}
