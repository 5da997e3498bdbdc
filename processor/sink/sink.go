// Package sink stores statement envelopes in ClickHouse: it validates them
// again (anything can write to a topic), drops copies of statements already
// stored, refuses a different statement under a stored id, and writes the rest
// with one insert into statements_in, whose materialized views fill every
// other table (definition parts and agent names included); a second insert
// adds only the StatementRef inheritances still missing (CompleteRefs).
package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Sink writes batches of statements to the store.
type Sink struct {
	eng     store.Engine
	db      string
	log     *slog.Logger
	metrics *metrics
}

// New returns a Sink writing into database db.
func New(eng store.Engine, db string, log *slog.Logger, reg prometheus.Registerer) (*Sink, error) {
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &Sink{eng: eng, db: db, log: log, metrics: m}, nil
}

// Write stores every valid statement of batch that is not stored yet, with a
// single insert into statements_in, which also carries their Activity
// definition parts and Agent names (materialized views fan them out), then
// completes the StatementRef inheritance around the batch (CompleteRefs, for
// the copies already stored too). It returns nil only after both succeeded.
// Statements it refuses are returned, never dropped silently: invalid ones,
// and a statement whose id is already stored (or earlier in the batch) with
// different content. A copy of a statement already stored is skipped:
// redelivery never makes a statement appear twice.
//
// token names the batch (store.Batch.DedupToken): the caller passes the same
// token with the same envelopes on every retry, after a failed call or after
// a crash, and the insert then completes exactly the tables a failed attempt
// did not reach. An id that statement_ids shows stored by this very token is
// not a redelivered copy but a row of a failed attempt, and is inserted again
// (the engine keeps it once). An empty token disables both.
func (s *Sink) Write(ctx context.Context, token string, batch []*envelope.Envelope) ([]consumer.Rejected, error) {
	return s.write(ctx, token, batch, true)
}

// WriteNew is Write for a batch whose ids the caller knows are stored by no
// other batch (the all-in-one log checked every id against what it holds
// and what is stored before it acknowledged the statement): the lookup of
// stored copies is skipped.
func (s *Sink) WriteNew(ctx context.Context, token string, batch []*envelope.Envelope) ([]consumer.Rejected, error) {
	return s.write(ctx, token, batch, false)
}

func (s *Sink) write(ctx context.Context, token string, batch []*envelope.Envelope, lookup bool) ([]consumer.Rejected, error) {
	var rejected []consumer.Rejected
	built := buildRows(batch)
	rows := make([]store.StatementRow, 0, len(batch))
	seen := make(map[store.StatementKey]string, len(batch))
	for i, env := range batch {
		key := store.StatementKey{Tenant: env.Tenant, ID: env.ID}
		if h, dup := seen[key]; dup {
			if h != env.ContentHash {
				rejected = append(rejected, consumer.Rejected{Envelope: env, Err: conflict(env)})
			}
			continue
		}
		if built[i].err != nil {
			rejected = append(rejected, consumer.Rejected{Envelope: env, Err: built[i].err})
			continue
		}
		seen[key] = env.ContentHash
		built[i].row.Batch = token
		rows = append(rows, built[i].row)
	}
	var stored []store.StatementRow
	var conflicts map[store.StatementKey]string
	if lookup {
		var err error
		if rows, stored, conflicts, err = s.dropStored(ctx, token, rows); err != nil {
			return nil, err
		}
	}
	if err := s.resolveRefs(ctx, rows); err != nil {
		return nil, storeFailure(err)
	}
	for _, env := range batch {
		if conflicts[store.StatementKey{Tenant: env.Tenant, ID: env.ID}] == env.ContentHash && env.ContentHash != "" {
			rejected = append(rejected, consumer.Rejected{Envelope: env, Err: conflict(env)})
		}
	}
	if len(rows) > 0 {
		start := time.Now()
		// One insert: the statements and, through materialized views, their
		// lookup rows, activity definition parts and agent names.
		b := store.StatementBatch(s.db, rows)
		b.DedupToken = token
		if err := s.eng.Insert(ctx, b); err != nil {
			return nil, storeFailure(fmt.Errorf("insert %d statements: %w", len(rows), err))
		}
		s.metrics.insertSeconds.Observe(time.Since(start).Seconds())
	}
	if err := s.CompleteRefs(ctx, append(rows, stored...)); err != nil {
		return nil, storeFailure(err)
	}
	s.metrics.stored.Add(float64(len(rows)))
	s.metrics.rejected.Add(float64(len(rejected)))
	return rejected, nil
}

// dropStored removes rows whose id is already stored by another batch than
// token. It returns the rows to insert, the copies already stored (with the
// stored time of the stored statement) and the content hash of each refused
// row (same id, different content) by key.
func (s *Sink) dropStored(ctx context.Context, token string, rows []store.StatementRow) (kept, stored []store.StatementRow, conflicts map[store.StatementKey]string, err error) {
	if len(rows) == 0 {
		return rows, nil, nil, nil
	}
	keys := make([]store.StatementKey, len(rows))
	for i, r := range rows {
		keys[i] = store.StatementKey{Tenant: r.Tenant, ID: r.ID}
	}
	existing, err := store.StoredVersions(ctx, s.eng, s.db, keys)
	if err != nil {
		return nil, nil, nil, storeFailure(err)
	}
	if len(existing) == 0 {
		return rows, nil, nil, nil
	}
	conflicts = map[store.StatementKey]string{}
	kept = rows[:0]
	for i, r := range rows {
		v, found := existing[keys[i]]
		switch {
		case !found, token != "" && v.Batch == token && v.ContentHash == r.ContentHash:
			kept = append(kept, r)
		case v.ContentHash != r.ContentHash:
			conflicts[keys[i]] = r.ContentHash
		default:
			s.metrics.duplicates.Inc()
			r.Stored = v.Stored
			stored = append(stored, r)
		}
	}
	return kept, stored, conflicts, nil
}

// conflict is the refusal of env: another statement is stored (or earlier in
// the batch) under its id.
func conflict(env *envelope.Envelope) error {
	return fmt.Errorf("statement %s: %w", env.ID, store.ErrConflict)
}

// storeFailure marks a store error as transient. Every row was validated and
// every column is typed by us, so an insert does not fail because of one
// statement: whatever the engine says (missing table, disk full, a bug), the
// batch is retried with backoff and never dead-lettered, so nothing
// acknowledged is lost while an operator fixes the cause.
func storeFailure(err error) error {
	if store.IsTransient(err) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}

// authorityKey is the IFI key of the statement's authority, "" when it has
// none (an OAuth authority Group of two agents).
func authorityKey(st xapi.Statement) string {
	a, _ := st["authority"].(map[string]any)
	k, _ := xapi.AgentKey(a)
	return k
}

func parseID(s string) uuid.UUID {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil
	}
	return id
}

// ErrInvalid wraps the reason an envelope's statement cannot be stored.
var ErrInvalid = errors.New("invalid statement")

// Row turns an envelope into the row to insert: the statement must parse and
// validate under the version it was accepted with. The decoded statement is
// dropped once the row is built: an envelope carries only the bytes, also in
// process (all-in-one), so a request waiting for the store never holds
// decoded statements.
func Row(env *envelope.Envelope) (store.StatementRow, error) {
	v, err := xapi.NegotiateVersion(env.XAPIVersion)
	if err != nil {
		return store.StatementRow{}, fmt.Errorf("%w: version %q: %v", ErrInvalid, env.XAPIVersion, err)
	}
	st, err := xapi.DecodeStatement(env.Statement)
	if err != nil {
		return store.StatementRow{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := xapi.Validate(v, st); err != nil {
		return store.StatementRow{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if id, _ := st["id"].(string); env.ID != parseID(id) {
		return store.StatementRow{}, fmt.Errorf("%w: statement id %q differs from envelope id %s", ErrInvalid, id, env.ID)
	}
	ix := xapi.Extract(st)
	version, _ := st["version"].(string)
	ts := ix.Timestamp
	if ts.IsZero() {
		ts = env.Stored
	}
	row := store.StatementRow{
		Tenant: env.Tenant, ID: env.ID, Stored: env.Stored, Timestamp: ts, Version: version,
		Verb: ix.Verb, ObjectType: ix.ObjectType, ObjectID: ix.ObjectID, Registration: ix.Registration,
		Voids: ix.Voids, Agents: ix.Agents, RelatedAgents: ix.RelatedAgents, RelatedActivities: ix.RelatedActivities,
		Authority: string(env.Authority), ContentHash: env.ContentHash, Raw: env.Statement,
		AuthorityKey: authorityKey(st),
	}
	// Communication 4.2: without the define scope the statement does not
	// update the canonical definitions of Activities and Agents.
	if !env.NoDefine {
		row.DefinitionParts, row.AgentNames = definitionParts(st), AgentNames(st)
	}
	return row, nil
}
