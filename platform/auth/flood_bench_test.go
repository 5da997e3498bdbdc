package auth

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// BenchmarkIssue19_FiftyConcurrentGuessers is the load test of issue 7 item
// 19: 50 clients guess secrets of an existing key over HTTP for
// TRIBUTARY_FLOOD_DURATION (default 10s) per iteration, with the production
// argon2id parameters (19 MiB), while one client reads with a valid cached
// credential. It reports the peak memory the Go runtime holds (argon2id
// allocates on the Go heap; the embedded store's memory is not counted), the
// peak growth of the process RSS, the outcomes and the valid client's p50.
//
//	cd platform && CHDB_LIB_PATH=$PWD/../.cache/chdb/26.5.3/libchdb.so \
//	  go test -run '^$' -bench Issue19 -benchtime 1x ./auth/
//
// "one-address": the defaults, every guesser behind one address.
// "fifty-addresses-no-failure-limits": the failed sign-in limits off and a
// distinct address per guesser (a botnet): only the hashing slots bound it.
func BenchmarkIssue19_FiftyConcurrentGuessers(b *testing.B) {
	duration := 10 * time.Second
	if d, err := time.ParseDuration(os.Getenv("TRIBUTARY_FLOOD_DURATION")); err == nil {
		duration = d
	}
	st := newStore(b)
	st.Hash = DefaultHashParams
	ctx := context.Background()
	if err := st.EnsureTenant(ctx, "acme"); err != nil {
		b.Fatal(err)
	}
	c, secret, err := st.CreateCredential(ctx, NewCredential{Tenant: "acme", Scopes: []string{"all"}})
	if err != nil {
		b.Fatal(err)
	}
	// The auth.* defaults (config.Default().Auth).
	defaults := Options{TTL: 30 * time.Second, CacheSize: 10000, HashWait: 2 * time.Second,
		PerKey: FailureLimit{Rate: 0.1, Burst: 10}, PerAddress: FailureLimit{Rate: 0.5, Burst: 30}, Tracked: 10000}
	noLimits := defaults
	noLimits.PerKey, noLimits.PerAddress = FailureLimit{}, FailureLimit{}
	for _, sc := range []struct {
		name      string
		o         Options
		addresses bool
	}{{"one-address", defaults, false}, {"fifty-addresses-no-failure-limits", noLimits, true}} {
		b.Run(sc.name, func(b *testing.B) {
			sc.o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
			a := NewAuthenticator(nil, st, "http://lrs", sc.o)
			srv := httptest.NewServer(xapihttp.RequireAuth(a, "all")(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			})))
			defer srv.Close()
			for range b.N {
				r := flood(b, srv.URL, c.Key, secret, sc.addresses, duration)
				b.ReportMetric(r.peakGoMiB, "peak-go-MiB")
				b.ReportMetric(r.rssGrowthMiB, "peak-rss-growth-MiB")
				b.ReportMetric(float64(r.codes[401])/duration.Seconds(), "401/s")
				b.ReportMetric(float64(r.codes[429])/duration.Seconds(), "429/s")
				b.ReportMetric(float64(r.codes[503])/duration.Seconds(), "503/s")
				b.ReportMetric(r.validP50ms, "valid-p50-ms")
			}
		})
	}
}

type floodResult struct {
	peakGoMiB, rssGrowthMiB, validP50ms float64
	codes                               map[int]int
}

func flood(b *testing.B, url, key, secret string, addresses bool, d time.Duration) floodResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	get := func(key, secret, xff string) (int, error) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		req.SetBasicAuth(key, secret)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get(key, secret, ""); err != nil || code != http.StatusNoContent {
		b.Fatalf("valid credential: %d %v", code, err)
	}
	rss0 := rssBytes()
	var peakGo, peakRSS atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // memory sampler
		sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peakGo.Store(max(peakGo.Load(), sample[0].Value.Uint64()))
			peakRSS.Store(max(peakRSS.Load(), rssBytes()))
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	var mu sync.Mutex
	codes := map[int]int{}
	deadline := time.Now().Add(d)
	var guessers sync.WaitGroup
	for g := range 50 {
		guessers.Go(func() {
			xff := ""
			if addresses {
				xff = "198.51.100." + strconv.Itoa(g+1)
			}
			for i := 0; time.Now().Before(deadline); i++ {
				code, err := get(key, fmt.Sprintf("guess-%d-%d", g, i), xff)
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}
		})
	}
	var valid []time.Duration
	for time.Now().Before(deadline) {
		start := time.Now()
		if code, err := get(key, secret, "192.0.2.200"); err != nil || code != http.StatusNoContent {
			b.Errorf("valid credential during the flood: %d %v", code, err)
		}
		valid = append(valid, time.Since(start))
		time.Sleep(20 * time.Millisecond)
	}
	guessers.Wait()
	close(stop)
	wg.Wait()
	slices.Sort(valid)
	return floodResult{
		peakGoMiB:    float64(peakGo.Load()) / (1 << 20),
		rssGrowthMiB: float64(peakRSS.Load()-min(rss0, peakRSS.Load())) / (1 << 20),
		validP50ms:   float64(valid[len(valid)/2]) / float64(time.Millisecond),
		codes:        codes,
	}
}

// rssBytes is the resident set size of the process (0 where /proc is missing).
func rssBytes() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
