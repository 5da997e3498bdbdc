package writecost

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Tables are the tables one insert into statements_in feeds.
var Tables = []string{"statements", "statement_ids", "statement_index", "activity_definition_parts", "agent_names"}

// Options configure one measured run.
type Options struct {
	Statements int
	BatchSize  int
	Seed       uint64
	// Setup are statements run after the migrations ({db} is the
	// database): a schema change to measure before it becomes a migration.
	Setup []string
	// Variant says which materialized views on statements_in stay: "all",
	// "none", "without:TABLE" (all but those feeding TABLE) or "only:TABLE".
	Variant string
	// Settle is how long the parts must stay unchanged, with no merge
	// running, for the merges to count as done (longer than the engine's
	// merge_selecting_sleep_ms, 5 s).
	Settle time.Duration
	// Idle is how long the idle CPU of the engine is sampled before the run.
	Idle time.Duration
	// Log, if set, receives progress lines.
	Log func(format string, args ...any)
}

func (o Options) withDefaults() Options {
	if o.Statements <= 0 {
		o.Statements = 200000
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 5000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Settle <= 0 {
		o.Settle = 6 * time.Second
	}
	if o.Idle <= 0 {
		o.Idle = 2 * time.Second
	}
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	return o
}

// Result is what one run measured. CPU figures are process CPU (user +
// system) less the engine's idle CPU over the same time.
type Result struct {
	Variant string `json:"variant"`
	Stats
	Batches int `json:"batches"`
	// IdleCPU is the engine's CPU per second at rest (its own background
	// tasks), subtracted from the figures below.
	IdleCPU float64 `json:"idle_cpu_per_s"`
	// Insert is the CPU spent while the inserts ran (merges running
	// meanwhile included), Merge the CPU of the merges after the last
	// insert until the parts were stable.
	Insert     time.Duration `json:"insert_cpu_ns"`
	InsertWall time.Duration `json:"insert_wall_ns"`
	Merge      time.Duration `json:"merge_cpu_ns"`
	MergeWall  time.Duration `json:"merge_wall_ns"`
	// IDLookups and RefLookups are the CPU of the write path's reads once
	// everything is stored, per batch: the processor's check of its ids in
	// statement_ids (store.StoredVersions: new ids, found nowhere) and of
	// its StatementRef referrers (store.Referrers).
	IDLookups  time.Duration `json:"id_lookup_cpu_ns"`
	RefLookups time.Duration `json:"ref_lookup_cpu_ns"`
	Tables     []Table       `json:"tables"`
	// Events are the engine's global ProfileEvents counters over the run.
	Events map[string]uint64 `json:"events"`
}

// PerStatement returns d per statement in µs.
func (r Result) PerStatement(d time.Duration) float64 {
	return float64(d.Microseconds()) / float64(max(r.Statements, 1))
}

// Table is what a table holds after the run (active parts).
type Table struct {
	Name         string `json:"name"`
	Rows         uint64 `json:"rows"`
	Parts        uint64 `json:"parts"`
	Bytes        uint64 `json:"bytes_on_disk"`
	Uncompressed uint64 `json:"uncompressed"`
	PartTypes    string `json:"part_types"`
}

// Run migrates db on eng, drops the views o.Variant leaves out, inserts the
// statements and waits for the merges, measuring each phase.
func Run(ctx context.Context, eng Engine, db string, o Options) (Result, error) {
	o = o.withDefaults()
	res := Result{Variant: o.Variant}
	if _, err := store.Migrate(ctx, eng, db); err != nil {
		return res, err
	}
	for _, q := range o.Setup {
		if err := eng.Exec(ctx, store.SQL(store.InDB(q, db))); err != nil {
			return res, fmt.Errorf("setup: %w", err)
		}
	}
	if err := dropViews(ctx, eng, db, o.Variant); err != nil {
		return res, err
	}
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	batches, st, err := Batches(db, o.Statements, o.BatchSize, o.Seed, start, 40*time.Microsecond)
	if err != nil {
		return res, err
	}
	res.Stats, res.Batches = st, len(batches)
	// The batches built beforehand are most of the Go heap: a collection
	// while they are inserted would scan them all, which production (one
	// batch at a time) never does.
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))

	idleFrom, idleAt := cpu(), time.Now()
	time.Sleep(o.Idle)
	res.IdleCPU = float64(cpu()-idleFrom) / float64(time.Since(idleAt))
	idle := func(d time.Duration) time.Duration { return time.Duration(res.IdleCPU * float64(d)) }

	before, err := events(ctx, eng)
	if err != nil {
		return res, err
	}
	c0, t0 := cpu(), time.Now()
	for i, b := range batches {
		if err := eng.Insert(ctx, b); err != nil {
			return res, fmt.Errorf("insert batch %d: %w", i, err)
		}
	}
	c1, t1 := cpu(), time.Now()
	res.Insert, res.InsertWall = c1-c0-idle(t1.Sub(t0)), t1.Sub(t0)
	o.Log("inserted %d statements in %s", st.Statements, res.InsertWall.Round(time.Millisecond))
	c2, t2, err := settle(ctx, eng, db, o.Settle)
	if err != nil {
		return res, err
	}
	res.Merge, res.MergeWall = c2-c1-idle(t2.Sub(t1)), t2.Sub(t1)
	o.Log("merges done %s after the last insert", res.MergeWall.Round(time.Millisecond))
	after, err := events(ctx, eng)
	if err != nil {
		return res, err
	}
	res.Events = map[string]uint64{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			res.Events[k] = d
		}
	}
	if res.Tables, err = tables(ctx, eng, db); err != nil {
		return res, err
	}
	if res.IDLookups, res.RefLookups, err = lookups(ctx, eng, db, batches, idle); err != nil {
		return res, err
	}
	return res, nil
}

// Engine is the store engine a run measures (in process).
type Engine = store.Engine

// cpu is the process's CPU time so far (user + system, every thread).
func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// viewTarget finds the target table of a materialized view in its DDL.
var viewTarget = regexp.MustCompile("(?s)^CREATE MATERIALIZED VIEW \\S+ TO [^.\\s]+\\.`?([A-Za-z0-9_]+)`?")

// dropViews drops the materialized views on statements_in that variant
// leaves out.
func dropViews(ctx context.Context, eng Engine, db string, variant string) error {
	kind, table, _ := strings.Cut(variant, ":")
	var keep func(target string) bool
	switch kind {
	case "", "all":
		return nil
	case "none":
		keep = func(string) bool { return false }
	case "without":
		keep = func(t string) bool { return t != table }
	case "only":
		keep = func(t string) bool { return t == table }
	default:
		return fmt.Errorf("variant %q: want all, none, without:TABLE or only:TABLE", variant)
	}
	rows, err := eng.Query(ctx, store.Query{Text: "SELECT name, create_table_query FROM system.tables WHERE database = {db:String}" +
		" AND engine = 'MaterializedView'", Params: store.Params{{Name: "db", Value: db}}})
	if err != nil {
		return err
	}
	var drop []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return err
		}
		m := viewTarget.FindStringSubmatch(ddl)
		if m == nil {
			rows.Close()
			return fmt.Errorf("view %s: no target table in %.120q", name, ddl)
		}
		if !keep(m[1]) {
			drop = append(drop, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(drop) == 0 && kind != "only" {
		return fmt.Errorf("variant %q: no view to drop", variant)
	}
	for _, name := range drop {
		// No SYNC: DROP ... SYNC hangs chDB 26.5.
		if err := eng.Exec(ctx, store.SQL("DROP VIEW "+store.Table(db, name))); err != nil {
			return err
		}
	}
	return nil
}

// settle waits until no merge runs in db and its active parts stayed the
// same for d; it returns the CPU time and the time when they first were.
func settle(ctx context.Context, eng Engine, db string, d time.Duration) (time.Duration, time.Time, error) {
	q := store.Query{Text: "SELECT (SELECT count() FROM system.merges WHERE database = {db:String}), " +
		"(SELECT groupArray(name) FROM (SELECT name FROM system.parts WHERE active AND database = {db:String}" +
		" ORDER BY table, name))", Params: store.Params{{Name: "db", Value: db}}}
	var (
		lastParts string
		stableCPU time.Duration
		stableAt  time.Time
	)
	for {
		c, t := cpu(), time.Now()
		var merges uint64
		var parts []string
		rows, err := eng.Query(ctx, q)
		if err != nil {
			return 0, time.Time{}, err
		}
		for rows.Next() {
			err = rows.Scan(&merges, &parts)
		}
		rows.Close()
		if err != nil {
			return 0, time.Time{}, err
		}
		key := strings.Join(parts, ",")
		switch {
		case merges > 0 || key != lastParts:
			lastParts, stableAt = key, time.Time{}
		case stableAt.IsZero():
			stableCPU, stableAt = c, t
		case t.Sub(stableAt) >= d:
			return stableCPU, stableAt, nil
		}
		select {
		case <-ctx.Done():
			return 0, time.Time{}, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// tables reads what each table of Tables holds.
func tables(ctx context.Context, eng Engine, db string) ([]Table, error) {
	rows, err := eng.Query(ctx, store.Query{Text: "SELECT table, sum(rows), count(), sum(bytes_on_disk), sum(data_uncompressed_bytes), " +
		"arrayStringConcat(arraySort(groupUniqArray(part_type)), '+') FROM system.parts WHERE active AND database = {db:String}" +
		" GROUP BY table", Params: store.Params{{Name: "db", Value: db}}})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := map[string]Table{}
	for rows.Next() {
		var t Table
		if err := rows.Scan(&t.Name, &t.Rows, &t.Parts, &t.Bytes, &t.Uncompressed, &t.PartTypes); err != nil {
			return nil, err
		}
		got[t.Name] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Table, 0, len(Tables))
	for _, name := range Tables {
		t := got[name]
		t.Name = name
		out = append(out, t)
	}
	return out, nil
}

// events reads the engine's ProfileEvents counters.
func events(ctx context.Context, eng Engine) (map[string]uint64, error) {
	rows, err := eng.Query(ctx, store.SQL("SELECT event, value FROM system.events"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var k string
		var v uint64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// lookups runs the reads the processor makes around each batch: its ids in
// statement_ids before the insert (new ids, found nowhere) and its
// StatementRef referrers after it. It returns the CPU of each kind, less
// idle over its wall time.
func lookups(ctx context.Context, eng Engine, db string, batches []*store.Batch, idle func(time.Duration) time.Duration) (idCPU, refCPU time.Duration, err error) {
	for _, b := range batches {
		ids := idsOf(b)
		fresh := make([]store.StatementKey, len(ids))
		stored := make([]store.StatementKey, len(ids))
		for i, id := range ids {
			fresh[i] = store.StatementKey{Tenant: Tenant, ID: uuid.New()}
			stored[i] = store.StatementKey{Tenant: Tenant, ID: id}
		}
		c, t := cpu(), time.Now()
		if _, err := store.StoredVersions(ctx, eng, db, fresh); err != nil {
			return 0, 0, err
		}
		c2, t2 := cpu(), time.Now()
		if _, err := store.Referrers(ctx, eng, db, stored); err != nil {
			return 0, 0, err
		}
		idCPU += c2 - c - idle(t2.Sub(t))
		refCPU += cpu() - c2 - idle(time.Since(t2))
	}
	return idCPU, refCPU, nil
}

func idsOf(b *store.Batch) []uuid.UUID {
	for _, c := range b.Columns {
		if c.Name == "id" {
			return c.Data.([]uuid.UUID)
		}
	}
	return nil
}
