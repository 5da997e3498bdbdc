// Package writecost measures what storing statements costs the embedded
// engine: the CPU (process rusage: chDB runs in process) of inserting
// realistic statements through statements_in and of the merges that follow,
// per statement, for the whole schema and with the materialized views of
// each table removed in turn (a table's share is the difference), plus the
// rows, parts and bytes every table ends up with.
package writecost

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Tenant is the tenant of every statement.
const Tenant = "default"

// authority is the authority ingest sets (a credential's account).
var authority = map[string]any{"objectType": "Agent",
	"account": map[string]any{"homePage": "http://lrs.test", "name": "key"}}

// voidRate is the share of voiding statements (StatementRefs to a statement
// of the same batch, with inherited index rows).
const voidRate = 0.005

// population is the load generator's: a mid-size organisation with context
// instructors on a third of the statements.
func population(seed uint64) gen.Options {
	o := gen.DefaultOptions()
	o.Seed = seed
	o.Instructors = 200
	return o
}

// Batches builds n statements as the processor would store them, in
// batches of size statements: each statement finalized as ingest does
// (id, stored, authority, version), put in an envelope and turned into its
// row by sink.Row (filter columns, agent names, definition parts); a
// voiding statement inherits the index rows of its target as
// sink.resolveRefs gives them. Stored times advance by step, starting at
// start. Every batch carries a deduplication token, as every production
// insert does.
func Batches(db string, n, size int, seed uint64, start time.Time, step time.Duration) ([]*store.Batch, Stats, error) {
	g := gen.New(population(seed))
	rnd := rand.New(rand.NewPCG(seed, 7))
	auth, err := json.Marshal(authority)
	if err != nil {
		return nil, Stats{}, err
	}
	var (
		out []*store.Batch
		st  Stats
	)
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		token := fmt.Sprintf("writecost:%d-%d", lo, hi-1)
		rows := make([]store.StatementRow, 0, hi-lo)
		var targets []int // rows of this batch a voiding statement may target
		for i := lo; i < hi; i++ {
			stored := start.Add(time.Duration(i) * step).UTC().Truncate(time.Millisecond)
			var s map[string]any
			target := -1
			if len(targets) > 0 && rnd.Float64() < voidRate {
				k := rnd.IntN(len(targets))
				target = targets[k]
				targets[k] = targets[len(targets)-1]
				targets = targets[:len(targets)-1]
				s = g.Voiding(rows[target].ID.String(), g.Actor())
				st.Voiding++
			} else {
				s = g.Next()
				targets = append(targets, len(rows))
			}
			row, err := build(xapi.Statement(s), stored, auth)
			if err != nil {
				return nil, st, err
			}
			if target >= 0 {
				row.Inherited = store.OwnIndexRows(&rows[target])
			}
			row.Batch = token
			st.RawBytes += len(row.Raw)
			rows = append(rows, row)
		}
		b := store.StatementBatch(db, rows)
		b.DedupToken = token
		out = append(out, b)
	}
	st.Statements = n
	return out, st, nil
}

// build finalizes s as ingest does and builds its row as the processor does.
func build(s xapi.Statement, stored time.Time, auth []byte) (store.StatementRow, error) {
	hash := xapi.ContentHash(s)
	id, err := xapi.Finalize(s, xapi.V103, stored, authority)
	if err != nil {
		return store.StatementRow{}, err
	}
	raw, err := xapi.Marshal(s)
	if err != nil {
		return store.StatementRow{}, err
	}
	env := &envelope.Envelope{V: envelope.Version, Kind: envelope.KindStatement, Tenant: Tenant, ID: id,
		Stored: stored, Authority: auth, XAPIVersion: "1.0.3", ContentHash: hash, Statement: raw}
	row, err := sink.Row(env)
	if err != nil {
		return store.StatementRow{}, fmt.Errorf("build the row of %s: %w", id, err)
	}
	return row, nil
}

// Stats describe the statements built.
type Stats struct {
	Statements int `json:"statements"`
	Voiding    int `json:"voiding"`
	RawBytes   int `json:"raw_bytes"`
}
