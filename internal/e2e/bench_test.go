package e2e

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
)

// BenchmarkEndToEnd_Distributed measures the distributed path in one process:
// 8 clients POST batches of 100 generated statements through ingest and
// kfake; the clock stops when every acknowledged statement is visible under
// X-Experience-API-Consistent-Through. It reports statements/s and the
// visibility lag after the last acknowledgement. Broker, ingest, processor,
// chDB and the clients all share the machine's cores.
func BenchmarkEndToEnd_Distributed(b *testing.B) {
	s := newStack(b)
	s.cfg.Processor.BatchRows, s.cfg.Processor.BatchAge = 5000, 100*time.Millisecond
	s.startProcessor(0)
	const workers, batch = 8, 100
	total := max(b.N, workers*batch)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			o := gen.DefaultOptions()
			o.Seed = uint64(w + 100)
			g := gen.New(o)
			for sent := 0; sent < total/workers; sent += batch {
				if code, _ := s.post(statements(g, batch)); code != http.StatusOK {
					b.Errorf("POST: status %d", code)
					return
				}
			}
		}(w)
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
	n := len(s.acked.snapshot())
	b.ReportMetric(float64(n)/elapsed.Seconds(), "statements/s")
	b.ReportMetric(float64(time.Since(acked).Milliseconds()), "visibility-lag-ms")
	b.ReportMetric(0, "ns/op")
}
