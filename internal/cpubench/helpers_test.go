package cpubench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Statements returns n realistic statements (internal/gen, the population of
// the load generator: 1.1–1.3 KB with context, result and a definition),
// compact JSON as clients send them; every other one carries an id.
func Statements(n int) [][]byte {
	o := gen.DefaultOptions()
	o.Instructors = 200
	g := gen.New(o)
	out := make([][]byte, n)
	for i := range out {
		st := g.Next()
		if i%2 == 1 {
			delete(st, "id")
		}
		b, err := json.Marshal(st)
		if err != nil {
			panic(fmt.Sprintf("marshal a generated statement: %v", err))
		}
		out[i] = b
	}
	return out
}

// Batch returns the body of one POST holding stmts: the statement itself for
// one, an array otherwise.
func Batch(stmts [][]byte) []byte {
	if len(stmts) == 1 {
		return stmts[0]
	}
	b := []byte{'['}
	for i, s := range stmts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, s...)
	}
	return append(b, ']')
}

// MemoryPublisher acknowledges every publish at once, keeping the envelopes
// of the last one when Keep is set (the all-in-one write-ahead log's place,
// without the disk).
type MemoryPublisher struct {
	Keep bool

	mu   sync.Mutex
	last []*envelope.Envelope
}

// Publish implements publish.Publisher.
func (p *MemoryPublisher) Publish(_ context.Context, envs []*envelope.Envelope) error {
	if p.Keep {
		p.mu.Lock()
		p.last = envs
		p.mu.Unlock()
	}
	return nil
}

// Last returns the envelopes of the last publish (with Keep).
func (p *MemoryPublisher) Last() []*envelope.Envelope {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// CPUTimer reports cpu-ns/stmt when the returned function is called at the
// end of a benchmark that handled perOp statements per iteration.
func CPUTimer(b *testing.B, perOp int) func() {
	start := cpuNanos()
	wall := time.Now()
	return func() {
		n := float64(b.N * perOp)
		b.ReportMetric(float64(cpuNanos()-start)/n, "cpu-ns/stmt")
		b.ReportMetric(float64(time.Since(wall).Nanoseconds())/n, "ns/stmt")
	}
}

func cpuNanos() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func basicToken(key, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(key + ":" + secret))
}

// noAttachments refuses attachment data: the benchmarks send none.
type noAttachments struct{}

func (noAttachments) InsertAttachments(context.Context, string, time.Time, []store.Attachment) error {
	return errors.New("no attachment store in the benchmark")
}

// nowWatermark says every statement stored until now is visible.
type nowWatermark struct{}

func (nowWatermark) ConsistentThrough(context.Context) (time.Time, error) { return time.Now(), nil }
