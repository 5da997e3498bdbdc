package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Consistency is what the read-your-write and Consistent-Through probes
// measured.
type Consistency struct {
	// ReadYourWrite is ack → visible: from the 2xx of a PUT with a
	// client-chosen id to the first GET ?statementId= that returned it (the
	// GET's answer time, so it includes one GET and up to one poll interval).
	ReadYourWrite Summary
	// NotVisible counts probes not visible within the probe timeout;
	// Skipped those not sent because maxProbesInFlight were still waiting.
	NotVisible, Skipped int
	// ConsistentThroughLag is the send time of a statement list request
	// minus its X-Experience-API-Consistent-Through (the LRS reads its
	// watermark when the request arrives).
	ConsistentThroughLag Summary
	// Checked counts (list request, probe statement) pairs where the probe was
	// acknowledged before the request was sent and the header covered its
	// stored time; Overstated counts those where the list missed it anyway.
	Checked, Overstated int
	Example             string // the first overstatement
	Failures            Statuses
}

type probeResult struct {
	id                   string
	ack, visible, stored time.Time
	ok                   bool
}

type listSample struct {
	sent, ct time.Time
	ids      map[string]bool
	full     bool      // the page has a more link: older probes are not on it
	oldest   time.Time // oldest stored time on the page
}

// prober writes probe statements (all in one registration of their own) and
// samples statement lists of that registration.
type prober struct {
	c                 *client
	reg               string
	ids               *IDs
	poll, timeout     time.Duration
	wg                sync.WaitGroup
	mu                sync.Mutex
	probes            []*probeResult
	lists             []listSample
	lags              []time.Duration
	failures          Statuses
	inflight, skipped int
}

func newProber(c *client, poll, timeout time.Duration) *prober {
	return &prober{c: c, reg: uuid.NewString(), ids: NewIDs(), poll: poll, timeout: timeout, failures: Statuses{}}
}

// run probes at the given rates until stop is closed, then waits for the
// probes still waiting to become visible. A zero rate turns a probe off.
func (p *prober) run(ctx context.Context, stop <-chan struct{}, rywRate, listRate float64) {
	var loops sync.WaitGroup
	if rywRate > 0 {
		loops.Go(func() { every(ctx, stop, rywRate, func() { p.startProbe(ctx) }) })
	}
	if listRate > 0 {
		loops.Go(func() { every(ctx, stop, listRate, func() { p.sampleList(ctx) }) })
	}
	loops.Wait()
	p.wg.Wait()
}

// every calls f (synchronously) rate times a second until stop or ctx.
func every(ctx context.Context, stop <-chan struct{}, rate float64, f func()) {
	t := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-t.C:
			f()
		}
	}
}

const maxProbesInFlight = 64

func (p *prober) startProbe(ctx context.Context) {
	p.mu.Lock()
	if p.inflight >= maxProbesInFlight {
		p.skipped++
		p.mu.Unlock()
		return
	}
	p.inflight++
	p.mu.Unlock()
	p.wg.Go(func() {
		defer func() { p.mu.Lock(); p.inflight--; p.mu.Unlock() }()
		if r, ok := p.probe(ctx); ok {
			p.mu.Lock()
			p.probes = append(p.probes, r)
			p.mu.Unlock()
		}
	})
}

func (p *prober) fail(status int) { p.mu.Lock(); p.failures[status]++; p.mu.Unlock() }

// probe PUTs one statement and polls for it by id; ok is false when the PUT
// failed.
func (p *prober) probe(ctx context.Context) (*probeResult, bool) {
	r := &probeResult{id: p.ids.Next()}
	body, err := json.Marshal(map[string]any{
		"id":     r.id,
		"actor":  map[string]any{"objectType": "Agent", "name": "Read-your-write probe", "mbox": "mailto:probe@loadgen.example.com"},
		"verb":   map[string]any{"id": "http://adlnet.gov/expapi/verbs/experienced", "display": map[string]any{"en-US": "experienced"}},
		"object": map[string]any{"objectType": "Activity", "id": "https://loadgen.example.com/probe"},
		"context": map[string]any{"registration": p.reg, "platform": "loadgen",
			"contextActivities": map[string]any{"parent": []any{map[string]any{"id": "https://loadgen.example.com"}}}},
		"timestamp": xapiTime(time.Now()),
	})
	if err != nil {
		return nil, false
	}
	a, _ := p.c.do(ctx, http.MethodPut, query("statementId", r.id), body, false)
	if a.status/100 != 2 {
		p.fail(a.status)
		return nil, false
	}
	r.ack = time.Now()
	for end := r.ack.Add(p.timeout); time.Now().Before(end) && ctx.Err() == nil; time.Sleep(p.poll) {
		a, _ := p.c.do(ctx, http.MethodGet, query("statementId", r.id), nil, true)
		switch a.status {
		case http.StatusOK:
			r.visible, r.ok = time.Now(), true
			var st struct {
				Stored time.Time `json:"stored"`
			}
			if err := json.Unmarshal(a.body, &st); err != nil || st.Stored.IsZero() {
				p.fail(a.status)
				r.ok = false
			}
			r.stored = st.Stored
			return r, true
		case http.StatusNotFound:
		default:
			p.fail(a.status)
		}
	}
	return r, true
}

// sampleList reads the probe registration's statements with the header.
func (p *prober) sampleList(ctx context.Context) {
	sent := time.Now()
	a, _ := p.c.do(ctx, http.MethodGet, query("registration", p.reg, "limit", "1000", "format", "ids"), nil, true)
	if a.status != http.StatusOK {
		p.fail(a.status)
		return
	}
	ct, err := time.Parse(time.RFC3339Nano, a.consistentThrough)
	var res struct {
		Statements []struct {
			ID     string    `json:"id"`
			Stored time.Time `json:"stored"`
		} `json:"statements"`
		More string `json:"more"`
	}
	if err != nil || json.Unmarshal(a.body, &res) != nil {
		p.fail(a.status)
		return
	}
	s := listSample{sent: sent, ct: ct, ids: make(map[string]bool, len(res.Statements)), full: res.More != ""}
	for _, st := range res.Statements {
		s.ids[st.ID] = true
		if s.oldest.IsZero() || st.Stored.Before(s.oldest) {
			s.oldest = st.Stored
		}
	}
	p.mu.Lock()
	p.lists = append(p.lists, s)
	p.lags = append(p.lags, sent.Sub(ct))
	p.mu.Unlock()
}

// result summarizes the probes once run has returned.
func (p *prober) result() Consistency {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := Consistency{ConsistentThroughLag: Summarize(p.lags), Failures: Statuses{}, Skipped: p.skipped}
	c.Failures.Add(p.failures)
	var ryw []time.Duration
	for _, r := range p.probes {
		if !r.ok {
			c.NotVisible++
			continue
		}
		ryw = append(ryw, r.visible.Sub(r.ack))
	}
	c.ReadYourWrite = Summarize(ryw)
	c.Checked, c.Overstated, c.Example = overstated(p.lists, p.probes)
	return c
}

// overstated checks that the header never overstates: every probe
// acknowledged before a list request was sent, and stored at or before the
// request's Consistent-Through, is on the list (when the page is full, only
// probes no older than its oldest statement are expected on it).
func overstated(lists []listSample, probes []*probeResult) (checked, violations int, example string) {
	for _, l := range lists {
		for _, r := range probes {
			if !r.ok || !r.ack.Before(l.sent) || r.stored.After(l.ct) || (l.full && r.stored.Before(l.oldest)) {
				continue
			}
			checked++
			if !l.ids[r.id] {
				violations++
				if example == "" {
					example = fmt.Sprintf("statement %s (stored %s, acknowledged %s) missing from a list sent %s with Consistent-Through %s",
						r.id, xapiTime(r.stored), r.ack.UTC().Format(time.RFC3339Nano),
						l.sent.UTC().Format(time.RFC3339Nano), xapiTime(l.ct))
				}
			}
		}
	}
	return checked, violations, example
}
