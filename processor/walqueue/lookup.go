package walqueue

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/processor/wal"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// PendingStatement returns a statement acknowledged but not stored yet: its
// bytes as they will be stored and the IFI key of its authority. The
// statementId reads serve it, so a client reads its own write at once.
func (q *Queue) PendingStatement(tenant string, id uuid.UUID) (raw []byte, stored time.Time, authorityKey string, ok bool) {
	e, ok := q.pend.entry(store.StatementKey{Tenant: tenant, ID: id})
	if !ok {
		return nil, time.Time{}, "", false
	}
	env, err := q.load(e)
	if err != nil {
		// Trimmed meanwhile: stored, so the store read finds it.
		return nil, time.Time{}, "", false
	}
	var a map[string]any
	if json.Unmarshal(env.Authority, &a) == nil {
		authorityKey, _ = xapi.AgentKey(a)
	}
	return env.Statement, env.Stored, authorityKey, true
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
	env.Statement = payload
	return &env, nil
}

// PendingVoided reports whether a voiding statement acknowledged but not
// stored yet targets the statement id.
func (q *Queue) PendingVoided(tenant string, id uuid.UUID) bool {
	return q.pend.isVoided(store.StatementKey{Tenant: tenant, ID: id})
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
