// Package getbench loads many realistic statements straight into the store
// (no HTTP, no Kafka) and measures the GET /xapi/statements latency of every
// filter through the real query service, in process.
//
// Rows are built exactly as the processor sink builds them (xapi.Finalize,
// Marshal, ContentHash, Extract) and inserted with store.StatementBatch, so the
// materialized views fill statements, statement_ids and statement_index as in
// production.
package getbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Tenant is the tenant every loaded statement belongs to.
const Tenant = "default"

// Authority is the authority of every loaded statement (the static
// credential "key" with home page http://lrs.test).
var Authority = map[string]any{"objectType": "Agent",
	"account": map[string]any{"homePage": "http://lrs.test", "name": "key"}}

// Options configure Load. Zero values take the defaults.
type Options struct {
	Seed uint64
	// Population sizes; zero scales them with n (see Population).
	Actors, Activities, Registrations, Instructors int
	// End is the stored time of the newest statement; Span how far back the
	// oldest lies (stored times are evenly spread over it). Defaults:
	// 2026-11-01 and 365 days (twelve monthly partitions).
	End  time.Time
	Span time.Duration
	// VoidRate is the share of voiding statements (default 0.005).
	VoidRate float64
	// BatchRows per INSERT (default 20000).
	BatchRows int
	// Workers building rows in parallel (default GOMAXPROCS).
	Workers int
	// Progress, if set, is called after every insert.
	Progress func(rows int, elapsed time.Duration) `json:"-"`
}

func (o Options) withDefaults(n int) Options {
	if o.Seed == 0 {
		o.Seed = 1
	}
	p := Population(n)
	if o.Actors == 0 {
		o.Actors = p.Actors
	}
	if o.Activities == 0 {
		o.Activities = p.Activities
	}
	if o.Registrations == 0 {
		o.Registrations = p.Registrations
	}
	if o.Instructors == 0 {
		o.Instructors = p.Instructors
	}
	if o.End.IsZero() {
		o.End = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 365 * 24 * time.Hour
	}
	if o.VoidRate == 0 {
		o.VoidRate = 0.005
	}
	if o.BatchRows <= 0 {
		o.BatchRows = 20000
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Population is the default population for n statements: a mid-size
// organisation (gen.DefaultOptions) that grows with n, so a learner has
// about 50 statements, a registration about 20 and an activity about 2000.
func Population(n int) gen.Options {
	p := gen.DefaultOptions()
	p.Actors = max(p.Actors, n/50)
	p.Activities = max(p.Activities, n/2000)
	p.Registrations = max(p.Registrations, n/20)
	p.Instructors = max(200, n/20000)
	return p
}

// Stats describe a finished load.
type Stats struct {
	Rows    int           `json:"rows"`
	Voiding int           `json:"voiding"`
	Elapsed time.Duration `json:"elapsed_ns"`
	// Inserting is the time spent inside Engine.Insert (the rest is waiting
	// for rows to be built).
	Inserting time.Duration `json:"inserting_ns"`
	First     time.Time     `json:"first_stored"`
	Last      time.Time     `json:"last_stored"`
	Options   Options       `json:"options"`
	Database  string        `json:"database"`
}

// Rate is the load rate in rows per second.
func (s Stats) Rate() float64 { return float64(s.Rows) / s.Elapsed.Seconds() }

// storedAt is the stored time of statement i of n.
func storedAt(o Options, i, n int) time.Time {
	start := o.End.Add(-o.Span)
	return start.Add(time.Duration(float64(o.Span) * float64(i) / float64(n))).Truncate(time.Millisecond)
}

// Load inserts n statements into db (which must be migrated) through eng.
// Batches cover consecutive stored ranges (one part per insert) and are built
// by opts.Workers goroutines while the previous batch is inserted.
func Load(ctx context.Context, eng store.Engine, db string, n int, opts Options) (Stats, error) {
	o := opts.withDefaults(n)
	authority, err := json.Marshal(Authority)
	if err != nil {
		return Stats{}, err
	}
	batches := (n + o.BatchRows - 1) / o.BatchRows
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type built struct {
		idx   int
		batch *store.Batch
		voids int
		err   error
	}
	jobs := make(chan int)
	out := make(chan built, o.Workers)
	var wg sync.WaitGroup
	for w := 0; w < o.Workers; w++ {
		wg.Go(func() {
			for b := range jobs {
				lo, hi := b*o.BatchRows, min((b+1)*o.BatchRows, n)
				rows, voids, err := buildBatch(o, b, lo, hi, n, authority)
				var sb *store.Batch
				if err == nil {
					sb = store.StatementBatch(db, rows)
				}
				select {
				case out <- built{b, sb, voids, err}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		defer close(jobs)
		for b := 0; b < batches; b++ {
			select {
			case jobs <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()

	st := Stats{Options: o, Database: db, First: storedAt(o, 0, n), Last: storedAt(o, n-1, n)}
	st.Options.Progress = nil
	start := time.Now()
	for r := range out {
		if r.err != nil {
			return st, r.err
		}
		t0 := time.Now()
		if err := eng.Insert(ctx, r.batch); err != nil {
			return st, fmt.Errorf("insert batch %d: %w", r.idx, err)
		}
		st.Inserting += time.Since(t0)
		st.Rows += r.batch.Rows()
		st.Voiding += r.voids
		if o.Progress != nil {
			o.Progress(st.Rows, time.Since(start))
		}
	}
	st.Elapsed = time.Since(start)
	if st.Rows != n {
		return st, errors.Join(ctx.Err(), fmt.Errorf("loaded %d of %d rows", st.Rows, n))
	}
	return st, nil
}

// buildBatch builds statements lo..hi-1 with a generator of its own (seeded
// by the batch), so batches are independent and deterministic in content.
func buildBatch(o Options, b, lo, hi, n int, authority []byte) ([]store.StatementRow, int, error) {
	g := gen.New(gen.Options{Seed: o.Seed*1_000_003 + uint64(b), Actors: o.Actors, Activities: o.Activities,
		Registrations: o.Registrations, Instructors: o.Instructors, Start: o.End, Step: time.Millisecond})
	rnd := rand.New(rand.NewPCG(o.Seed, uint64(b)))
	rows := make([]store.StatementRow, 0, hi-lo)
	var targets []string // ids of plain statements in this batch that may be voided
	voids := 0
	for i := lo; i < hi; i++ {
		stored := storedAt(o, i, n)
		var st map[string]any
		if len(targets) > 0 && rnd.Float64() < o.VoidRate {
			k := rnd.IntN(len(targets))
			st = g.Voiding(targets[k], g.Actor())
			targets[k] = targets[len(targets)-1]
			targets = targets[:len(targets)-1]
			voids++
		} else {
			st = g.Next()
			targets = append(targets, st["id"].(string))
		}
		// The statement happened shortly before it was stored.
		st["timestamp"] = stored.Add(-time.Duration(rnd.IntN(600_000)) * time.Millisecond).Format("2006-01-02T15:04:05.000Z")
		row, err := Row(xapi.Statement(st), stored, authority)
		if err != nil {
			return nil, 0, err
		}
		rows = append(rows, row)
	}
	return rows, voids, nil
}

// Row builds the statements_in row of st as ingest and the processor sink
// would: content hash before finalizing, then id/stored/authority/version,
// the stored bytes and the extracted filter columns.
func Row(st xapi.Statement, stored time.Time, authority []byte) (store.StatementRow, error) {
	hash := xapi.ContentHash(st)
	id, err := xapi.Finalize(st, xapi.V103, stored, Authority)
	if err != nil {
		return store.StatementRow{}, err
	}
	raw, err := xapi.Marshal(st)
	if err != nil {
		return store.StatementRow{}, err
	}
	ix := xapi.Extract(st)
	version, _ := st["version"].(string)
	ts := ix.Timestamp
	if ts.IsZero() {
		ts = stored
	}
	return store.StatementRow{
		Tenant: Tenant, ID: id, Stored: stored.UTC().Truncate(time.Millisecond), Timestamp: ts, Version: version,
		Verb: ix.Verb, ObjectType: ix.ObjectType, ObjectID: ix.ObjectID, Registration: ix.Registration,
		Voids: ix.Voids, Agents: ix.Agents, RelatedAgents: ix.RelatedAgents, RelatedActivities: ix.RelatedActivities,
		Authority: string(authority), ContentHash: hash, Raw: raw,
	}, nil
}
