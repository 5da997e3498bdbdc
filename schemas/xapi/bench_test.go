package xapi

import (
	"encoding/json"
	"testing"
)

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
	for b.Loop() {
		if err := Validate(V200, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkContentHash(b *testing.B) {
	s, _ := DecodeStatement(benchBody(b))
	b.ReportAllocs()
	for b.Loop() {
		ContentHash(s)
	}
}
