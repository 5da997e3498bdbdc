package loadgen

import (
	"testing"
	"time"
)

func TestParseStatCPU_CommandNameWithSpacesAndParentheses(t *testing.T) {
	// utime 250 and stime 50 ticks (fields 14 and 15).
	line := []byte("4242 (a (b) c) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 100 1000000 500 18446744073709551615\n")
	got, err := parseStatCPU(line)
	if err != nil || got != 3*time.Second {
		t.Fatalf("got %s, %v; want 3s", got, err)
	}
	if _, err := parseStatCPU([]byte("4242 broken")); err == nil {
		t.Fatal("want an error for a line without a command name")
	}
}

func TestProcessCPUAndPeakRSSOfThisProcess(t *testing.T) {
	before, err := ProcessCPU(0)
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); x++ {
	}
	after, err := ProcessCPU(0)
	if err != nil || after <= before {
		t.Fatalf("CPU %s then %s (%v) after a busy loop of %d", before, after, err, x)
	}
	rss, err := PeakRSS(0)
	if err != nil || rss < 1<<20 {
		t.Fatalf("peak RSS %d, %v", rss, err)
	}
	if _, err := ProcessCPU(1 << 30); err == nil {
		t.Fatal("want an error for a process that does not exist")
	}
}
