// Package loadgen drives an LRS over HTTP: concurrent workers POST batches of
// generated statements for a fixed time or count, then it measures how long the
// last acknowledged statement takes to become visible to a consistent GET.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
)

// Options of a run.
type Options struct {
	BaseURL     string // e.g. http://127.0.0.1:8080/xapi
	Key, Secret string
	Workers     int
	Batch       int
	Duration    time.Duration
	Statements  int // stop after this many (0: run for Duration)
	Version     string
}

// Report is what a run measured.
type Report struct {
	Statements     int64
	Requests       int64
	Errors         int64
	Elapsed        time.Duration
	PerSecond      float64
	P50, P99       time.Duration
	VisibilityLag  time.Duration // ack of the last statement → visible under Consistent-Through
	ConsistencyLag time.Duration // now − Consistent-Through on an idle LRS
}

func (r Report) String() string {
	return fmt.Sprintf("statements=%d requests=%d errors=%d elapsed=%s rate=%.0f statements/s request p50=%s p99=%s visibility_lag=%s consistent_through_lag=%s",
		r.Statements, r.Requests, r.Errors, r.Elapsed.Round(time.Millisecond), r.PerSecond,
		r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond),
		r.VisibilityLag.Round(time.Millisecond), r.ConsistencyLag.Round(time.Millisecond))
}

// Run drives the load and returns what it measured.
func Run(ctx context.Context, opt Options) (Report, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: opt.Workers * 2}, Timeout: 30 * time.Second}
	var sent, reqs, errs atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var lastID string
	var lastAck time.Time
	deadline := time.Now().Add(opt.Duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < opt.Workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			o := gen.DefaultOptions()
			o.Seed = uint64(w + 1)
			g := gen.New(o)
			var mine []time.Duration
			defer func() { mu.Lock(); lat = append(lat, mine...); mu.Unlock() }()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if opt.Statements > 0 && sent.Load() >= int64(opt.Statements) {
					return
				}
				batch := make([]map[string]any, opt.Batch)
				for i := range batch {
					batch[i] = g.Next()
				}
				t0 := time.Now()
				err := post(ctx, client, opt, batch)
				d := time.Since(t0)
				reqs.Add(1)
				if err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, d)
				sent.Add(int64(len(batch)))
				mu.Lock()
				if t0.Add(d).After(lastAck) {
					lastAck, lastID = t0.Add(d), batch[len(batch)-1]["id"].(string)
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	rep := Report{Statements: sent.Load(), Requests: reqs.Load(), Errors: errs.Load(), Elapsed: elapsed,
		PerSecond: float64(sent.Load()) / elapsed.Seconds()}
	slices.Sort(lat)
	if len(lat) > 0 {
		rep.P50, rep.P99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	if lastID != "" {
		lag, err := visibility(ctx, client, opt, lastID, lastAck)
		if err != nil {
			return rep, err
		}
		rep.VisibilityLag = lag
		ct, err := consistentThrough(ctx, client, opt)
		if err != nil {
			return rep, err
		}
		rep.ConsistencyLag = time.Since(ct)
	}
	return rep, nil
}

func post(ctx context.Context, c *http.Client, opt Options, batch []map[string]any) error {
	body, err := json.Marshal(batch)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, opt.BaseURL+"/statements", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(opt.Key, opt.Secret)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", opt.Version)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST statements: %s", resp.Status)
	}
	return nil
}

// visibility polls the newest page of statements (capped by the consistency
// watermark) until the statement with id appears in a list query.
func visibility(ctx context.Context, c *http.Client, opt Options, id string, ack time.Time) (time.Duration, error) {
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); {
		var res struct {
			Statements []struct {
				ID string `json:"id"`
			} `json:"statements"`
		}
		if _, err := get(ctx, c, opt, "/statements?limit=1000", &res); err != nil {
			return 0, err
		}
		for _, s := range res.Statements {
			if s.ID == id {
				return time.Since(ack), nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0, errors.New("the last statement did not become visible within 30 s")
}

func consistentThrough(ctx context.Context, c *http.Client, opt Options) (time.Time, error) {
	h, err := get(ctx, c, opt, "/statements?limit=1", nil)
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, h.Get("X-Experience-API-Consistent-Through"))
}

func get(ctx context.Context, c *http.Client, opt Options, path string, into any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opt.BaseURL+path, nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(opt.Key, opt.Secret)
	req.Header.Set("X-Experience-API-Version", opt.Version)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	if into != nil {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			return nil, fmt.Errorf("decode GET %s: %w", path, err)
		}
	}
	return resp.Header, nil
}
