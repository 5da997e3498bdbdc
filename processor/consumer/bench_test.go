package consumer

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/platform/config"
)

// BenchmarkBatchFill reports how big batches get under the default bounds
// (processor.batch_rows, batch_bytes, batch_age) from a backlog
// of 50,000 messages of ~1.5 KB on kfake: the fetch loop has to fill a batch
// of tens of thousands of rows within batch_age. Each iteration consumes the
// backlog in a fresh consumer group.
func BenchmarkBatchFill(b *testing.B) {
	e := newEnv(b)
	const n = 50000
	stmts, ids := statements(n, time.Now().UTC())
	pad := make([]byte, 1300)
	for i := range stmts {
		stmts[i].Headers = []kafka.Header{{Key: "pad", Value: pad}}
	}
	for i := 0; i < n; i += 5000 {
		e.produce(stmts[i:min(i+5000, n)]...)
	}
	p, d := e.opts, config.Default().Processor
	p.BatchRows, p.BatchBytes, p.BatchAge = d.BatchRows, d.BatchBytes, d.BatchAge
	group := p.GroupID
	var batches, messages float64
	b.ResetTimer()
	for i := range b.N {
		p.GroupID = fmt.Sprintf("%s-%d", group, i)
		sink, reg := newSink(), prometheus.NewRegistry()
		stop := e.startWith(p, sink, newProgress(), reg, 2*time.Second)
		waitFor(b, "the backlog stored", func() bool { return sink.has(ids) })
		if err := stop(); err != nil {
			b.Fatal(err)
		}
		for _, w := range sink.log() {
			batches++
			messages += float64(len(w.ids))
		}
	}
	b.ReportMetric(messages/batches, "statements/batch")
	b.ReportMetric(0, "ns/op")
}
