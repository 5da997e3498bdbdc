// Package store holds the ClickHouse contract shared by every service: the thin
// Engine interface that each engine (a ClickHouse server through clickhouse-go,
// or chDB embedded) implements, the Query type, error classification, and
// the versioned migrations that create the tables.
//
// Everything above the Engine is a Query: SQL text identical on both engines,
// with its values as typed parameters that each engine binds its own way.
package store

import (
	"context"
	"fmt"
)

// Engine is the engine-specific part of the store: connect, execute, insert a
// batch, scan rows. Implementations must be safe for concurrent use.
//
// Errors: a failure that may succeed when retried (engine unreachable, timeout,
// too many parts, memory limit) wraps ErrUnavailable; a failure reported by the
// engine about the query itself is a *ServerError carrying ClickHouse's code.
type Engine interface {
	// Exec runs a statement that returns no rows (DDL, INSERT ... SELECT, SET).
	Exec(ctx context.Context, q Query) error
	// Query runs a SELECT. The caller must Close the Rows.
	Query(ctx context.Context, q Query) (Rows, error)
	// Insert writes one columnar batch. It returns nil only after the engine
	// has stored every row (synchronous insert, never async_insert).
	Insert(ctx context.Context, b *Batch) error
	// Ping checks that the engine answers.
	Ping(ctx context.Context) error
	// Close releases the engine. It is safe to call more than once.
	Close() error
}

// Rows iterates over a query result, like database/sql.Rows.
//
// Scan supports these destinations, converting from the listed column types:
//
//	*string      String, LowCardinality(String), FixedString(N), UUID
//	*[]byte      String, FixedString(N)
//	*uint8 *uint16 *uint32 *uint64 *int64   the matching (U)Int column, or any narrower one
//	*time.Time   DateTime, DateTime64(P[, tz])  (returned in UTC)
//	*uuid.UUID   UUID
//	*[]string    Array(String), Array(LowCardinality(String))
//	*bool        Bool, UInt8
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// EachRow runs q and, for every row, scans it into dest and calls row, which
// reads the values dest points to before the next row overwrites them (every
// Scan stores new values: a []byte or []string kept from one row is not
// reused by the next).
func EachRow(ctx context.Context, e Engine, q Query, row func(), dest ...any) error {
	rows, err := e.Query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		row()
	}
	return rows.Err()
}

// Batch is a columnar insert into one table. Every column holds one typed
// slice, and all slices have the same length.
type Batch struct {
	// Table is the qualified table name, e.g. "tributary.statements_in".
	Table   string
	Columns []Column
	// DedupToken, when set, makes the insert idempotent: ClickHouse stores
	// a token's blocks once in every table the insert reaches, the target
	// and each table fed by its materialized views (each keeps its own
	// deduplication log; see DedupSettings). Retrying a failed insert with
	// the same token and the same rows therefore completes exactly the
	// tables the failed attempt did not reach and leaves the others
	// unchanged: a batch is stored whole, never twice.
	DedupToken string
}

// DedupSettings are the insert settings of a batch with a DedupToken (every
// statement batch has one): they make the insert idempotent in the target
// table and in every table its materialized views feed (the tables must
// keep a deduplication log: non_replicated_deduplication_window, or a
// Replicated engine). They also skip the ReplacingMergeTree collapse of the
// insert's own rows (optimize_on_insert = 0, a tenth of the CPU of storing
// a statement batch, make bench-writecost): a batch holds no two rows with
// the same sorting key worth collapsing (StatementBatch sends each agent
// name and definition part once), and merges still collapse copies.
func DedupSettings(token string) map[string]any {
	return map[string]any{
		"insert_deduplicate": 1,
		"deduplicate_blocks_in_dependent_materialized_views": 1,
		"insert_deduplication_token":                         token,
		"optimize_on_insert":                                 0,
	}
}

// Column is one column of a Batch. Data is one of:
//
//	[]string      for String, LowCardinality(String)
//	[]uint8 []uint16 []uint32 []uint64 []int64
//	[]time.Time   for DateTime64(3, 'UTC')
//	[]uuid.UUID   for UUID
//	[][]string    for Array(String), Array(LowCardinality(String))
//	[][]uuid.UUID for Array(UUID)
//	[][][]string  for Array(Array(String))
type Column struct {
	Name string
	Data any
}

// Rows reports the number of rows in the batch (the length of its first column).
func (b *Batch) Rows() int {
	if len(b.Columns) == 0 {
		return 0
	}
	return max(columnLen(b.Columns[0].Data), 0)
}

// Check returns the number of rows, or an error when a column holds an
// unsupported type or its length differs from the first column's.
func (b *Batch) Check() (int, error) {
	n := b.Rows()
	for _, c := range b.Columns {
		switch l := columnLen(c.Data); {
		case l < 0:
			return 0, fmt.Errorf("insert into %s: column %s: unsupported data type %T", b.Table, c.Name, c.Data)
		case l != n:
			return 0, fmt.Errorf("insert into %s: column %s has %d rows, column %s has %d",
				b.Table, c.Name, l, b.Columns[0].Name, n)
		}
	}
	return n, nil
}
