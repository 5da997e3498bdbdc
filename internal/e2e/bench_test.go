package e2e

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/internal/loadgen"
)

// BenchmarkEndToEnd_Distributed measures the distributed path in one process:
// 8 clients POST b.N statements in batches of 100 (realistic statements of
// about 1.2 KB, half with client-chosen ids, generated and marshalled before
// the clock starts) through ingest and kfake; the clock stops when every
// acknowledged statement is visible under X-Experience-API-Consistent-Through.
// It reports statements/s (to visible; acked-stmts/s is ingest's rate up to
// the last acknowledgement), the POST p50/p99, the CPU time of the whole
// process per statement (broker, ingest, processor, chDB and the clients all
// share the machine's cores) and the visibility lag after the last
// acknowledgement. Run it with make bench-distributed.
func BenchmarkEndToEnd_Distributed(b *testing.B) {
	s := newStack(b)
	s.cfg.Processor.BatchRows, s.cfg.Processor.BatchAge = 5000, 100*time.Millisecond
	s.startProcessor(0)
	const workers, batch = 8, 100
	total := max(b.N, workers*batch)
	bodies, err := loadgen.NewBodies(100, batch, 20000)
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	var (
		mu  sync.Mutex
		lat []time.Duration
	)
	cpu0, err := loadgen.ProcessCPU(0)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var mine []time.Duration
			var body []byte
			defer func() { mu.Lock(); lat = append(lat, mine...); mu.Unlock() }()
			for sent := 0; sent < total/workers; sent += batch {
				raw, _, first := bodies.Next(body)
				if first != nil {
					body = raw
				}
				t0 := time.Now()
				if code := postRaw(b, client, s.ingest.URL+"/xapi/statements", raw); code != http.StatusOK {
					b.Errorf("POST: status %d", code)
					return
				}
				mine = append(mine, time.Since(t0))
			}
		})
	}
	wg.Wait()
	acked := time.Now()
	newest := s.acked.newest()
	waitFor(b, 5*time.Minute, "every statement visible", func() bool {
		_, h, _ := s.get("/xapi/statements?limit=1")
		return !consistentThrough(b, h).Before(newest)
	})
	elapsed := time.Since(start)
	b.StopTimer()
	cpu1, err := loadgen.ProcessCPU(0)
	if err != nil {
		b.Fatal(err)
	}
	n := len(s.acked.snapshot())
	l := loadgen.Summarize(lat)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "stmts/s")
	b.ReportMetric(float64(n)/acked.Sub(start).Seconds(), "acked-stmts/s")
	b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(n), "cpu-µs/stmt")
	b.ReportMetric(float64(l.P50.Microseconds())/1000, "post-p50-ms")
	b.ReportMetric(float64(l.P99.Microseconds())/1000, "post-p99-ms")
	b.ReportMetric(float64(time.Since(acked).Milliseconds()), "visibility-lag-ms")
	b.ReportMetric(0, "ns/op")
}

// postRaw POSTs a marshalled body of statements and returns the status.
func postRaw(b *testing.B, c *http.Client, url string, body []byte) int {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.SetBasicAuth("key", "secret123")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", "1.0.3")
	resp, err := c.Do(req)
	if err != nil {
		b.Error(err)
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
