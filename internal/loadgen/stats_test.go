package loadgen

import (
	"testing"
	"time"
)

func TestSummarize_NearestRankPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	s := Summarize(d)
	if s.N != 100 || s.P50 != 50*time.Millisecond || s.P95 != 95*time.Millisecond || s.P99 != 99*time.Millisecond || s.Max != 100*time.Millisecond {
		t.Fatalf("%+v", s)
	}
	if (Summarize(nil) != Summary{}) || Summarize(nil).String() != "-" {
		t.Fatal("want an empty summary for no samples")
	}
}

func TestStatuses_ByStatusWithConnectionFailures(t *testing.T) {
	s := Statuses{503: 12, StatusConnection: 1, 409: 2}
	if got := s.String(); got != "conn×1 409×2 503×12" {
		t.Fatalf("got %q", got)
	}
	if s.Total() != 15 || s.ServerErrors() != 12 || (Statuses{}).String() != "none" {
		t.Fatalf("total %d, 5xx %d", s.Total(), s.ServerErrors())
	}
}
