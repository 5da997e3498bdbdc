package durability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// inspectEnv names the data directory a child process inspects: a process
// hosts one embedded engine for its life, so each inspection is a process
// of its own.
const inspectEnv = "DURABILITY_INSPECT_DATA_DIR"

// database is the all-in-one store's database (clickhouse.database).
const database = "tributary"

// tableRows is what one table holds: its raw rows, before FINAL and before
// any merge still to come.
type tableRows struct {
	Table string `json:"table"`
	Rows  uint64 `json:"rows"`
	IDs   uint64 `json:"ids"`
	// Repeated are ids held in more than one row (at most 20), of
	// RepeatedIDs.
	Repeated    []string `json:"repeated"`
	RepeatedIDs uint64   `json:"repeated_ids"`
	// Parts is the number of active parts the rows are in: rows in
	// different parts have not been merged, so a repeated insert would show.
	Parts uint64 `json:"parts"`
}

// inspection is what the child reports.
type inspection struct {
	Tables []tableRows `json:"tables"`
	// StatementIDs is every id in statements.
	StatementIDs []string `json:"statement_ids"`
}

// inspectMain opens the data directory's embedded store and prints an
// inspection as JSON.
func inspectMain(dataDir string, stdout, stderr io.Writer) int {
	out, err := inspectStore(dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "inspect:", err)
		return 1
	}
	if err := json.NewEncoder(stdout).Encode(out); err != nil {
		fmt.Fprintln(stderr, "inspect:", err)
		return 1
	}
	return 0
}

func inspectStore(dataDir string) (inspection, error) {
	var out inspection
	eng, err := chdb.Open(filepath.Join(dataDir, "chdb"))
	if err != nil {
		return out, err
	}
	defer eng.Close()
	ctx := context.Background()
	for _, table := range []string{"statements", "statement_ids"} {
		t := tableRows{Table: table}
		name := store.Table(database, table)
		if err := scanOne(ctx, eng, "SELECT count(), uniqExact(id) FROM "+name, &t.Rows, &t.IDs); err != nil {
			return out, err
		}
		repeated := "SELECT id FROM " + name + " GROUP BY id HAVING count() > 1"
		if err := scanOne(ctx, eng, "SELECT count() FROM ("+repeated+")", &t.RepeatedIDs); err != nil {
			return out, err
		}
		if err := scanEach(ctx, eng, "SELECT toString(id) FROM ("+repeated+") LIMIT 20", func(s string) { t.Repeated = append(t.Repeated, s) }); err != nil {
			return out, err
		}
		parts := store.Query{Text: "SELECT count() FROM system.parts WHERE active AND database = {db:String} AND table = {table:String}",
			Params: store.Params{{Name: "db", Value: database}, {Name: "table", Value: table}}}
		if err := scanOneQ(ctx, eng, parts, &t.Parts); err != nil {
			return out, err
		}
		out.Tables = append(out.Tables, t)
	}
	err = scanEach(ctx, eng, "SELECT DISTINCT toString(id) FROM "+store.Table(database, "statements"),
		func(s string) { out.StatementIDs = append(out.StatementIDs, s) })
	return out, err
}

func scanOne(ctx context.Context, eng store.Engine, sql string, dest ...any) error {
	return scanOneQ(ctx, eng, store.SQL(sql), dest...)
}

func scanOneQ(ctx context.Context, eng store.Engine, q store.Query, dest ...any) error {
	rows, err := eng.Query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		return fmt.Errorf("%s: no row: %v", q.Text, rows.Err())
	}
	return rows.Scan(dest...)
}

func scanEach(ctx context.Context, eng store.Engine, sql string, fn func(string)) error {
	rows, err := eng.Query(ctx, store.SQL(sql))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		fn(s)
	}
	return rows.Err()
}

// inspect runs the inspection of a stopped LRS's data directory in a child
// process.
func inspect(t *testing.T, dataDir string) inspection {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), inspectEnv+"="+dataDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("inspect %s: %v\n%s", dataDir, err, stderr.String())
	}
	var out inspection
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("inspect %s: %v: %.300s", dataDir, err, stdout.String())
	}
	return out
}

// checkRowsOnce checks that statements and statement_ids hold exactly one
// row per acknowledged statement, counted on the raw rows (no FINAL): a
// batch redone after a crash is inserted under its deduplication token,
// which stores nothing twice in any table, so "exactly once" holds before
// any merge, not only after ReplacingMergeTree collapsed copies (which the
// reads would hide anyway). A background merge during the run can collapse
// copies before they are counted; Parts says how many unmerged parts the
// rows are in.
func checkRowsOnce(t *testing.T, in inspection, l *ledger) string {
	t.Helper()
	want := uint64(len(l.acked))
	summary := ""
	for _, tr := range in.Tables {
		if tr.Rows != want || tr.IDs != want || tr.RepeatedIDs != 0 {
			t.Errorf("%s holds %d rows of %d ids for %d acknowledged statements; %d ids in more than one row: %v",
				tr.Table, tr.Rows, tr.IDs, want, tr.RepeatedIDs, tr.Repeated)
		}
		summary += fmt.Sprintf("%s: %d rows, %d ids, in %d parts; ", tr.Table, tr.Rows, tr.IDs, tr.Parts)
	}
	stored := map[uuid.UUID]bool{}
	for _, s := range in.StatementIDs {
		stored[uuid.MustParse(s)] = true
	}
	var missing, extra []string
	for id := range l.acked {
		if !stored[id] {
			missing = append(missing, id.String())
		}
	}
	for id := range stored {
		if l.acked[id] == nil {
			extra = append(extra, id.String())
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("statements table: %d acknowledged ids missing (%s), %d ids never acknowledged (%s)",
			len(missing), head(missing, 5), len(extra), head(extra, 5))
	}
	return summary
}
