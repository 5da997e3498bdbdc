package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// The queries of this file; {db} is the database (InDB).
const (
	voidedTargets     = "SELECT tenant, key FROM {db}.statement_index WHERE kind = 'voids'"
	statementCount    = "SELECT count() FROM {db}.statement_ids"
	statementIDsChunk = "SELECT tenant, id FROM {db}.statement_ids WHERE cityHash64(id) % {chunks:UInt64} = {chunk:UInt64}"
	voidingStatements = "SELECT DISTINCT id FROM {db}.statement_index WHERE tenant = {tenant:String} AND kind = 'voids' " +
		"AND id IN {ids:Array(UUID)}"
)

// VoidingStatements returns the ids among ids of tenant that are stored
// voiding statements: those with a "voids" row in statement_index (one per
// voiding statement).
func VoidingStatements(ctx context.Context, e Engine, db, tenant string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	q := Query{Text: InDB(voidingStatements, db), Params: Params{{"tenant", tenant}, {"ids", ids}}}
	var id uuid.UUID
	if err := EachRow(ctx, e, q, func() { out[id] = true }, &id); err != nil {
		return nil, fmt.Errorf("look up voiding statements: %w", err)
	}
	return out, nil
}

// VoidedTargets calls fn with every statement a stored voiding statement
// targets (the kind = 'voids' rows of statement_index), in any order, maybe
// more than once.
func VoidedTargets(ctx context.Context, e Engine, db string, fn func(StatementKey)) error {
	var tenant, key string
	err := EachRow(ctx, e, SQL(InDB(voidedTargets, db)), func() {
		if id, err := uuid.Parse(key); err == nil {
			fn(StatementKey{Tenant: tenant, ID: id})
		}
	}, &tenant, &key)
	if err != nil {
		return fmt.Errorf("read voided statements: %w", err)
	}
	return nil
}

// StatementCount returns how many rows statement_ids holds (a statement
// redelivered before a merge counts twice).
func StatementCount(ctx context.Context, e Engine, db string) (uint64, error) {
	var n uint64
	if err := EachRow(ctx, e, SQL(InDB(statementCount, db)), func() {}, &n); err != nil {
		return 0, fmt.Errorf("count statements: %w", err)
	}
	return n, nil
}

// ForEachStatementID calls fn with the key of every stored statement, in
// chunks of about chunkRows read one query each (a chunk is one residue of
// the id's hash), so that memory stays bounded whatever the store holds.
func ForEachStatementID(ctx context.Context, e Engine, db string, chunkRows uint64, fn func(StatementKey)) error {
	n, err := StatementCount(ctx, e, db)
	if err != nil {
		return err
	}
	chunks := max(n/max(chunkRows, 1)+1, 1)
	for c := uint64(0); c < chunks; c++ {
		q := Query{Text: InDB(statementIDsChunk, db), Params: Params{{"chunks", chunks}, {"chunk", c}}}
		var k StatementKey
		if err := EachRow(ctx, e, q, func() { fn(k) }, &k.Tenant, &k.ID); err != nil {
			return fmt.Errorf("read statement ids: %w", err)
		}
	}
	return nil
}
