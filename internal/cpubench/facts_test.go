package cpubench

import (
	"bytes"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// TestFactsRowMatchesDecodedRow: for realistic statements published through
// the all-in-one handler chain, the row the sink builds from the handed-over
// facts is the row it builds by decoding the statement.
func TestFactsRowMatchesDecodedRow(t *testing.T) {
	envs := published(t, Statements(pool))
	if len(envs) != pool {
		t.Fatalf("published %d envelopes, want %d", len(envs), pool)
	}
	total := 0
	for _, env := range envs {
		if env.Facts == nil {
			t.Fatal("an envelope without facts")
		}
		total += cap(env.Facts)
		got, err := sink.RowFromFacts(env)
		if err != nil {
			t.Fatal(err)
		}
		want, err := sink.Row(env)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("row from facts\n%+v\nrow from the statement\n%+v", got, want)
		}
	}
	t.Logf("facts: %d bytes per statement on average", total/len(envs))
}

// TestPendingStatementMemory measures what the write-ahead log keeps per
// pending statement in memory (processor/walqueue keeps a copy of each
// envelope without its statement bytes): with the handed-over facts it may
// grow by their size only, a few hundred bytes at most.
func TestPendingStatementMemory(t *testing.T) {
	envs := published(t, Statements(pool))
	const n = 100_000
	keep := func(facts bool) float64 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		light := make([]*envelope.Envelope, n)
		for i := range light {
			e := *envs[i%len(envs)]
			e.Statement = nil
			e.ContentHash = strings.Clone(e.ContentHash) // its own, as each request's
			if facts {
				e.Facts = bytes.Clone(e.Facts)
			} else {
				e.Facts = nil
			}
			light[i] = &e
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(light)
		return float64(after.HeapAlloc-before.HeapAlloc) / n
	}
	without, with := keep(false), keep(true)
	t.Logf("pending statement: %.0f bytes without facts, %.0f with", without, with)
	if with-without > 300 {
		t.Fatalf("facts add %.0f bytes per pending statement", with-without)
	}
}
