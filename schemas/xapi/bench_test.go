package xapi

import (
	"bytes"
	"encoding/json"
	"syscall"
	"testing"
)

// cpuTimer reports "cpu-ns/op": process CPU time (user+system) per
// operation, which a loaded machine disturbs less than wall time.
func cpuTimer(b *testing.B) func() {
	start := cpuNanos()
	return func() {
		b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
	}
}

func cpuNanos() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func benchBody(b *testing.B) []byte {
	var m map[string]any
	if err := json.Unmarshal([]byte(baseStatement), &m); err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(m) // compact, as clients send it
	return body
}

// BenchmarkDecodeValidate: the ingest hot path for one typical statement.
func BenchmarkDecodeValidate(b *testing.B) {
	body := benchBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	defer cpuTimer(b)()
	for b.Loop() {
		s, err := DecodeStatement(body)
		if err != nil {
			b.Fatal(err)
		}
		if err := Validate(V200, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	body := benchBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	defer cpuTimer(b)()
	for b.Loop() {
		if _, err := DecodeStatement(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	s, err := DecodeStatement(benchBody(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer cpuTimer(b)()
	for b.Loop() {
		if err := Validate(V200, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkContentHash(b *testing.B) {
	s, _ := DecodeStatement(benchBody(b))
	b.ReportAllocs()
	defer cpuTimer(b)()
	for b.Loop() {
		ContentHash(s)
	}
}

// BenchmarkDecodeStdlib is the encoding/json baseline DecodeStatement replaced.
func BenchmarkDecodeStdlib(b *testing.B) {
	body := benchBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	defer cpuTimer(b)()
	for b.Loop() {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSingleContextActivityScan: what format=exact pays per stored
// statement to find those an older build stored with a single Activity as a
// contextActivities value (a typical statement, in the array form).
func BenchmarkSingleContextActivityScan(b *testing.B) {
	body := benchBody(b)
	b.SetBytes(int64(len(body)))
	defer cpuTimer(b)()
	for b.Loop() {
		if MayHaveSingleContextActivity(body) {
			b.Fatal("the array form matched")
		}
	}
}
