package getbench

import (
	"testing"
	"time"
)

func BenchmarkBuildBatch(b *testing.B) {
	o := Options{}.withDefaults(1_000_000)
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rows, _, err := buildBatch(o, i, 0, 20000, 1_000_000, []byte(`{}`))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(20000/time.Since(start).Seconds(), "rows/s")
		_ = rows
	}
}
