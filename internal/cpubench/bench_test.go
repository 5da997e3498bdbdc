package cpubench

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	ingestapp "github.com/tributary-lrs/tributary/ingest/app"
	"github.com/tributary-lrs/tributary/ingest/inflight"
	"github.com/tributary-lrs/tributary/ingest/server"
	"github.com/tributary-lrs/tributary/platform/auth"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/svc"
	"github.com/tributary-lrs/tributary/platform/svc/svcauth"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// pool is how many distinct statements a benchmark cycles through.
const pool = 256

var authority = map[string]any{"objectType": "Agent",
	"account": map[string]any{"homePage": "http://127.0.0.1:8080", "name": "bench"}}

// BenchmarkStatement measures each stage ingest runs on one statement, as
// prepare runs them (xAPI 1.0.3, the load generator's version).
func BenchmarkStatement(b *testing.B) {
	bodies := Statements(pool)
	size := 0
	for _, s := range bodies {
		size += len(s)
	}
	decoded := func() []xapi.Statement {
		out := make([]xapi.Statement, len(bodies))
		for i, s := range bodies {
			st, err := xapi.DecodeStatement(s)
			if err != nil {
				b.Fatal(err)
			}
			out[i] = st
		}
		return out
	}
	stored := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(size / len(bodies)))
		b.ReportAllocs()
		defer CPUTimer(b, 1)()
		i := 0
		for b.Loop() {
			if _, err := xapi.DecodeStatement(bodies[i%pool]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("validate", func(b *testing.B) {
		sts := decoded()
		b.ReportAllocs()
		defer CPUTimer(b, 1)()
		i := 0
		for b.Loop() {
			if err := xapi.Validate(xapi.V103, sts[i%pool]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("hash", func(b *testing.B) {
		sts := decoded()
		b.ReportAllocs()
		defer CPUTimer(b, 1)()
		i := 0
		for b.Loop() {
			xapi.ContentHash(sts[i%pool])
			i++
		}
	})
	b.Run("finalize+encode", func(b *testing.B) {
		// Finalize again on the same trees does the same work once the ids
		// it assigned are removed.
		sts := decoded()
		var noID []bool
		for _, st := range sts {
			_, has := st["id"]
			noID = append(noID, !has)
		}
		b.ReportAllocs()
		defer CPUTimer(b, 1)()
		i := 0
		for b.Loop() {
			st := sts[i%pool]
			if noID[i%pool] {
				delete(st, "id")
			}
			if _, err := xapi.Finalize(st, xapi.V103, stored, authority); err != nil {
				b.Fatal(err)
			}
			if _, err := xapi.Marshal(st); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("facts", func(b *testing.B) {
		sts := decoded()
		raws := make([][]byte, len(sts))
		for i, st := range sts {
			if _, err := xapi.Finalize(st, xapi.V103, stored, authority); err != nil {
				b.Fatal(err)
			}
			raws[i], _ = xapi.Marshal(st)
		}
		b.ReportAllocs()
		defer CPUTimer(b, 1)()
		i := 0
		for b.Loop() {
			sink.Facts(sts[i%pool], raws[i%pool], false)
			i++
		}
	})
	b.Run("all", func(b *testing.B) {
		b.SetBytes(int64(size / len(bodies)))
		b.ReportAllocs()
		defer CPUTimer(b, 1)()
		i := 0
		for b.Loop() {
			st, err := xapi.DecodeStatement(bodies[i%pool])
			if err != nil {
				b.Fatal(err)
			}
			if err := xapi.Validate(xapi.V103, st); err != nil {
				b.Fatal(err)
			}
			xapi.ContentHash(st)
			if _, err := xapi.Finalize(st, xapi.V103, stored, authority); err != nil {
				b.Fatal(err)
			}
			if _, err := xapi.Marshal(st); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

const (
	benchKey    = "benchkey"
	benchSecret = "benchsecret123"
)

// chain is the all-in-one xAPI handler as svc serves it (request metrics,
// body guard, CORS, Consistent-Through, rate limit, router, version
// negotiation, authentication) with the ingest routes, publishing to pub
// envelopes that carry the sink's facts.
func chain(b testing.TB, cfg config.Config, pub *MemoryPublisher) http.Handler {
	cfg.Auth.Bootstrap.Key, cfg.Auth.Bootstrap.Secret = benchKey, benchSecret
	_, authn, err := svcauth.New(cfg.Auth, nil, cfg.ClickHouse.Database, "http://"+cfg.HTTP.Addr)
	if err != nil {
		b.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	log := slog.New(slog.DiscardHandler)
	ing, err := server.New(server.Deps{Publisher: pub, Tracker: inflight.New(nil), Auth: authn,
		Attachments: noAttachments{}, Watermark: nowWatermark{}, Facts: sink.Facts, Options: ingestapp.ServerOptions(cfg.Ingest), Log: log,
		Registry: reg})
	if err != nil {
		b.Fatal(err)
	}
	r := xapihttp.NewRouter()
	ing.Routes(r)
	app := xapihttp.CORS(cfg.HTTP.CORS.AllowedOrigins, cfg.HTTP.CORS.MaxAge)(ing.ConsistentThrough(auth.Limit(svcauth.RequestLimit(cfg.Auth), authn, r)))
	return svc.NewServer(cfg.HTTP, svc.InstrumentHandler(reg, app, nil),
		svc.ServerOptions{Registry: reg, Log: log, MaxBodyBytes: cfg.Ingest.MaxBodyBytes}).Handler()
}

// BenchmarkIngestPOST serves POST /xapi/statements with 1 and with 100
// statements through the whole handler chain, in the default configuration
// and with the per-credential rate limit and CORS on.
func BenchmarkIngestPOST(b *testing.B) {
	stmts := Statements(pool)
	limited := config.Default()
	limited.Auth.RateLimit, limited.Auth.RateBurst = 1e9, 1e9
	limited.HTTP.CORS.AllowedOrigins = []string{"https://lms.example.com"}
	for _, c := range []struct {
		name string
		cfg  config.Config
	}{{"default", config.Default()}, {"ratelimit+cors", limited}} {
		for _, n := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/%d", c.name, n), func(b *testing.B) {
				h := chain(b, c.cfg, &MemoryPublisher{})
				bodies := make([][]byte, pool/n)
				for i := range bodies {
					bodies[i] = Batch(stmts[i*n : (i+1)*n])
				}
				b.ReportAllocs()
				defer CPUTimer(b, n)()
				i := 0
				for b.Loop() {
					req := httptest.NewRequest(http.MethodPost, "/xapi/statements", bytes.NewReader(bodies[i%len(bodies)]))
					req.Header.Set("Authorization", basic)
					req.Header.Set("X-Experience-API-Version", "1.0.3")
					req.Header.Set("Content-Type", "application/json")
					if c.cfg.HTTP.CORS.AllowedOrigins != nil {
						req.Header.Set("Origin", "https://lms.example.com")
					}
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("POST: %d %s", w.Code, w.Body)
					}
					i++
				}
			})
		}
	}
}

var basic = "Basic " + basicToken(benchKey, benchSecret)

// BenchmarkSinkRow builds the insert rows of statements as ingest publishes
// them (the sink's work per statement): by decoding and validating the
// statement (Kafka, the write-ahead log replayed) and from the facts
// all-in-one ingest hands over.
func BenchmarkSinkRow(b *testing.B) {
	envs := published(b, Statements(pool))
	for _, c := range []struct {
		name  string
		build func(*envelope.Envelope) (store.StatementRow, error)
	}{{"decode", sink.Row}, {"facts", sink.RowFromFacts}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			defer CPUTimer(b, 1)()
			i := 0
			for b.Loop() {
				if _, err := c.build(envs[i%len(envs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// published returns the envelopes ingest publishes for stmts (one POST).
func published(b testing.TB, stmts [][]byte) []*envelope.Envelope {
	pub := &MemoryPublisher{Keep: true}
	h := chain(b, config.Default(), pub)
	req := httptest.NewRequest(http.MethodPost, "/xapi/statements", bytes.NewReader(Batch(stmts)))
	req.Header.Set("Authorization", basic)
	req.Header.Set("X-Experience-API-Version", "1.0.3")
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("POST: %d %s", w.Code, w.Body)
	}
	return pub.Last()
}
