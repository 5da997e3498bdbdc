package getbench

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/query"
	queryapp "github.com/tributary-lrs/tributary/query/app"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Environment:
//
//	TRIBUTARY_BENCH_STATEMENTS  statements to load (default 200000)
//	TRIBUTARY_BENCH_DIR         persistent chDB directory: a finished load of
//	                            the same size is reused (default: a temp dir,
//	                            removed afterwards)
//	TRIBUTARY_BENCH_FILTER_SECONDS  stop sampling a filter after this long
//	                            (at least 20 requests; default 30)
//	TRIBUTARY_BENCH_LOAD_ONLY   "1": TestLoad only loads (or reuses) the data
//	TRIBUTARY_BENCH_EXPLAIN     "1": log the SQL and EXPLAIN indexes = 1 of the
//	                            slowest request of every filter over 50 ms
//
// Use -benchtime=200x (or more) for meaningful p99s.
const (
	defaultStatements = 200000
	slowMs            = 50
	// defaultFilterCap stops sampling a filter (after at least 20 requests)
	// so a slow one cannot take the whole run; "samples" reports how many
	// ran. TRIBUTARY_BENCH_FILTER_SECONDS overrides it.
	defaultFilterCap = 30 * time.Second
)

func filterCap() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("TRIBUTARY_BENCH_FILTER_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return defaultFilterCap
}

// fixedWatermark says everything up to 2100 is visible: the store is static.
type fixedWatermark struct{}

func (fixedWatermark) ConsistentThrough(context.Context) (time.Time, error) {
	return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), nil
}

// recorder remembers the SQL each request ran.
type recorder struct {
	store.Engine
	mu  sync.Mutex
	sql []store.Query
}

func (r *recorder) Query(ctx context.Context, q store.Query) (store.Rows, error) {
	r.mu.Lock()
	r.sql = append(r.sql, q)
	r.mu.Unlock()
	return r.Engine.Query(ctx, q)
}

func (r *recorder) take() []store.Query {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sql
	r.sql = nil
	return s
}

type benchEnv struct {
	eng     *chdb.Engine
	rec     *recorder
	handler http.Handler
	stats   Stats
	filters []filter
}

type filter struct {
	name string
	urls []string // request URIs, drawn from the data's distributions
}

var (
	setupOnce sync.Once
	setupEnv  *benchEnv
	setupErr  error
)

func statementsFromEnv() (int, error) {
	v := os.Getenv("TRIBUTARY_BENCH_STATEMENTS")
	if v == "" {
		return defaultStatements, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, "_", ""))
	if err != nil || n < 1000 {
		return 0, fmt.Errorf("TRIBUTARY_BENCH_STATEMENTS=%q: want an integer >= 1000", v)
	}
	return n, nil
}

func setup(b *testing.B) *benchEnv {
	setupOnce.Do(func() { setupEnv, setupErr = doSetup(b) })
	if setupErr != nil {
		b.Fatal(setupErr)
	}
	return setupEnv
}

func doSetup(b *testing.B) (*benchEnv, error) {
	ctx := context.Background()
	n, err := statementsFromEnv()
	if err != nil {
		return nil, err
	}
	dir := os.Getenv("TRIBUTARY_BENCH_DIR")
	if dir == "" {
		if dir, err = os.MkdirTemp("", "tributary-getbench-"); err != nil {
			return nil, err
		}
		// The temp dir lives until the process exits (benchmarks share it).
		b.Cleanup(func() {})
	}
	eng, err := chdb.Open(dir)
	if err != nil {
		return nil, err
	}
	opts := Options{Progress: LogProgress(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }, 500000)}
	st, reused, err := Prepare(ctx, eng, dir, n, opts)
	if err != nil {
		return nil, err
	}
	if reused {
		fmt.Fprintf(os.Stderr, "getbench: reusing %d statements in %s (%s)\n", st.Rows, dir, st.Database)
	}
	fmt.Fprintf(os.Stderr, "getbench: %d statements (%d voiding) loaded in %s (%s inserting): %.0f rows/s\n",
		st.Rows, st.Voiding, st.Elapsed.Round(time.Millisecond), st.Inserting.Round(time.Millisecond), st.Rate())
	parts, err := chdb.Render(store.Query{Text: "SELECT table, count(), sum(rows), formatReadableSize(sum(bytes_on_disk)) FROM system.parts " +
		"WHERE active AND database = {db:String} GROUP BY table ORDER BY table", Params: store.Params{{Name: "db", Value: st.Database}}})
	if err != nil {
		return nil, err
	}
	if out, err := eng.Raw(ctx, parts, "PrettyCompactMonoBlock"); err == nil {
		fmt.Fprintf(os.Stderr, "getbench: parts (table, parts, rows, size):\n%s", out)
	}

	rec := &recorder{Engine: eng}
	cfg := config.Default().Query
	svc, err := query.New(query.Deps{Engine: rec, Database: st.Database,
		Auth:      xapihttp.NewStatic("key", "secret", Tenant, "http://lrs.test"),
		Watermark: fixedWatermark{}, Options: queryapp.Options(cfg), Log: slog.New(slog.DiscardHandler),
		CursorKeys: [][]byte{[]byte("getbench: a cursor key of 32 bytes")}})
	if err != nil {
		return nil, err
	}
	r := xapihttp.NewRouter()
	svc.Routes(r)
	e := &benchEnv{eng: eng, rec: rec, handler: r, stats: st}
	if e.filters, err = e.buildFilters(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// do runs one GET and returns its status and body.
func (e *benchEnv) do(uri string) (int, []byte) {
	req := httptest.NewRequest(http.MethodGet, uri, nil)
	req.SetBasicAuth("key", "secret")
	req.Header.Set("X-Experience-API-Version", "1.0.3")
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	return w.Code, w.Body.Bytes()
}

// TestLoad loads TRIBUTARY_BENCH_STATEMENTS statements into
// TRIBUTARY_BENCH_DIR once, for later benchmark runs to reuse:
//
//	TRIBUTARY_BENCH_FILTER_SECONDS  stop sampling a filter after this long
//	                            (at least 20 requests; default 30)
//	TRIBUTARY_BENCH_LOAD_ONLY=1 TRIBUTARY_BENCH_DIR=/var/tmp/getbench TRIBUTARY_BENCH_STATEMENTS=10000000 \
//	  go test -run TestLoad -timeout 60m ./internal/getbench
func TestLoad(t *testing.T) {
	if os.Getenv("TRIBUTARY_BENCH_LOAD_ONLY") != "1" || os.Getenv("TRIBUTARY_BENCH_DIR") == "" {
		t.Skip("set TRIBUTARY_BENCH_LOAD_ONLY=1 and TRIBUTARY_BENCH_DIR")
	}
	n, err := statementsFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("TRIBUTARY_BENCH_DIR")
	eng, err := chdb.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	st, reused, err := Prepare(context.Background(), eng, dir, n,
		Options{Progress: LogProgress(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }, 500000)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d statements in %s (reused %v), loaded in %s (%s inserting): %.0f rows/s",
		st.Rows, st.Database, reused, st.Elapsed.Round(time.Millisecond), st.Inserting.Round(time.Millisecond), st.Rate())
}

// BenchmarkGET measures GET /xapi/statements per filter through the query
// service (router, auth, watermark, SQL, chDB, JSON), in process.
func BenchmarkGET(b *testing.B) {
	e := setup(b)
	explain := os.Getenv("TRIBUTARY_BENCH_EXPLAIN") == "1"
	for _, f := range e.filters {
		b.Run(f.name, func(b *testing.B) {
			for _, u := range f.urls[:min(len(f.urls), 4)] { // warm caches
				if code, body := e.do(u); code != http.StatusOK {
					b.Fatalf("GET %s: %d %s", u, code, body)
				}
			}
			e.rec.take()
			lat := make([]time.Duration, 0, b.N)
			var (
				empty    int
				slowest  time.Duration
				slowSQL  []store.Query
				slowURI  string
				resultsN int
			)
			b.ResetTimer()
			began, capDur := time.Now(), filterCap()
			for i := 0; i < b.N; i++ {
				if i >= 20 && time.Since(began) > capDur {
					break // enough samples for a slow filter
				}
				u := f.urls[i%len(f.urls)]
				start := time.Now()
				code, body := e.do(u)
				d := time.Since(start)
				sql := e.rec.take()
				if code != http.StatusOK {
					b.Fatalf("GET %s: %d %s", u, code, body)
				}
				if bytes.HasPrefix(body, []byte(`{"statements":[]`)) {
					empty++
				}
				resultsN += bytes.Count(body, []byte(`"stored":`))
				lat = append(lat, d)
				if d > slowest {
					slowest, slowSQL, slowURI = d, sql, u
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			p50, p99 := percentile(lat, 0.50), percentile(lat, 0.99)
			b.ReportMetric(ms(p50), "p50-ms")
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(float64(resultsN)/float64(len(lat)), "stmts/op")
			b.ReportMetric(100*float64(empty)/float64(len(lat)), "empty-%")
			b.ReportMetric(float64(len(lat)), "samples")
			if explain && ms(p99) > slowMs && len(lat) >= 20 {
				for _, sq := range slowSQL {
					q, err := chdb.Render(sq)
					if err != nil {
						b.Fatal(err)
					}
					out, err := e.eng.Raw(context.Background(), "EXPLAIN indexes = 1 "+q, "TabSeparatedRaw")
					// stderr: benchmark logs are truncated to a few lines.
					fmt.Fprintf(os.Stderr, "== %s: slowest %s (%s):\n%s\nEXPLAIN indexes = 1:\n%s%v\n",
						b.Name(), slowURI, slowest, q, out, err)
				}
			}
		})
	}
}

// TestSQL times ad-hoc SQL against a loaded store, to try a rewrite or a
// projection before proposing it: TRIBUTARY_BENCH_SQL names a file of
// statements separated by lines holding only ";;" ({db} is replaced by the
// database); each runs 5 times and logs min/median (and EXPLAIN indexes = 1
// when TRIBUTARY_BENCH_EXPLAIN=1).
func TestSQL(t *testing.T) {
	file, dir := os.Getenv("TRIBUTARY_BENCH_SQL"), os.Getenv("TRIBUTARY_BENCH_DIR")
	if file == "" || dir == "" {
		t.Skip("set TRIBUTARY_BENCH_SQL and TRIBUTARY_BENCH_DIR")
	}
	n, err := statementsFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := chdb.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	for _, q := range strings.Split(string(body), "\n;;\n") {
		q = strings.TrimSpace(strings.ReplaceAll(q, "{db}", store.Ident(Database(n))))
		if q == "" {
			continue
		}
		var ds []time.Duration
		var out []byte
		for range 5 {
			start := time.Now()
			out, err = eng.Raw(ctx, q, "TabSeparated")
			if err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		lines := strings.Count(string(out), "\n")
		fmt.Fprintf(os.Stderr, "== min %s median %s rows %d\n%s\n", ds[0].Round(time.Microsecond), ds[2].Round(time.Microsecond), lines, q)
		if lines <= 3 || strings.HasPrefix(q, "EXPLAIN") {
			fmt.Fprintf(os.Stderr, "-> %s", out)
		}
		if os.Getenv("TRIBUTARY_BENCH_EXPLAIN") == "1" && strings.HasPrefix(strings.ToUpper(q), "SELECT") {
			ex, err := eng.Raw(ctx, "EXPLAIN indexes = 1 "+q, "TabSeparatedRaw")
			fmt.Fprintf(os.Stderr, "EXPLAIN:\n%s%v\n", ex, err)
		}
	}
}
