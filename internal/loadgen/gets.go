package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
)

// Filters are the GET /statements filters the GET probe runs, in order.
var Filters = []string{"agent", "verb", "activity", "registration", "related_agents", "related_activities",
	"since", "until", "since+until", "statementId", "newest"}

// FilterResult is the latency of one filter. Skipped counts requests not
// sent because 32 were still outstanding.
type FilterResult struct {
	Latency  Summary
	Failures Statuses
	Skipped  int
}

// getProbe requests the filters in turn at a fixed rate (open loop: a slow
// answer does not delay the next request), drawing values from the
// population the statements were generated from: half popular (as skewed as
// the data), half from the uniform tail.
type getProbe struct {
	c    *client
	ids  *idSample
	mu   sync.Mutex
	g    *gen.Generator
	n    int
	recs map[string]*recorder
	skip map[string]int // guarded by mu
	wg   sync.WaitGroup
	busy chan struct{}
}

func newGetProbe(c *client, ids *idSample, seed uint64) *getProbe {
	p := &getProbe{c: c, ids: ids, g: gen.New(Population(seed + 7)), recs: map[string]*recorder{},
		skip: map[string]int{}, busy: make(chan struct{}, 32)}
	for _, f := range Filters {
		p.recs[f] = newRecorder()
	}
	return p
}

// next returns the next filter and its request URI.
func (p *getProbe) next() (string, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	name := Filters[p.n%len(Filters)]
	id := ""
	if name == "statementId" {
		if id = p.ids.pick(); id == "" { // no id acknowledged yet: skip the filter
			p.n++
			name = Filters[p.n%len(Filters)]
		}
	}
	tail := (p.n/len(Filters))%2 == 1
	p.n++
	o, g := p.g.Options(), p.g
	pick := func(skewed func() int, population int) int {
		if tail {
			return g.Uniform(population)
		}
		return skewed()
	}
	now := time.Now()
	switch name {
	case "agent":
		return name, query("agent", agentParam(gen.ActorMbox(pick(g.Actor, o.Actors))))
	case "verb":
		return name, query("verb", g.Verb())
	case "activity":
		return name, query("activity", gen.ActivityID(pick(g.Activity, o.Activities)))
	case "registration":
		return name, query("registration", gen.RegistrationID(pick(g.Registration, o.Registrations)))
	case "related_agents":
		return name, query("agent", agentParam(gen.InstructorMbox(g.Uniform(o.Instructors))), "related_agents", "true")
	case "related_activities":
		return name, query("activity", gen.CourseID(pick(g.Activity, o.Activities)), "related_activities", "true")
	case "since":
		return name, query("since", xapiTime(now.Add(-time.Minute)))
	case "until":
		return name, query("until", xapiTime(now.Add(-30*time.Second)))
	case "since+until":
		return name, query("since", xapiTime(now.Add(-2*time.Minute)), "until", xapiTime(now.Add(-time.Minute)))
	case "statementId":
		return name, query("statementId", id)
	default:
		return name, query()
	}
}

// run requests filters at rate per second until stop, then waits for the
// requests still running.
func (p *getProbe) run(ctx context.Context, stop <-chan struct{}, rate float64) {
	every(ctx, stop, rate, func() {
		name, uri := p.next()
		select {
		case p.busy <- struct{}{}:
		default:
			p.mu.Lock()
			p.skip[name]++
			p.mu.Unlock()
			return
		}
		p.wg.Go(func() {
			defer func() { <-p.busy }()
			t0 := time.Now()
			a, _ := p.c.do(ctx, http.MethodGet, uri, nil, false)
			if a.status != http.StatusOK {
				p.recs[name].fail(a.status)
				return
			}
			p.recs[name].ok(time.Since(t0))
		})
	})
	p.wg.Wait()
}

func (p *getProbe) result() map[string]FilterResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]FilterResult, len(p.recs))
	for name, r := range p.recs {
		s, f := r.summary()
		out[name] = FilterResult{Latency: s, Failures: f, Skipped: p.skip[name]}
	}
	return out
}

// errNoIDs is returned when there is no statement to GET by id.
var errNoIDs = errors.New("no statement ids to GET: the store is empty")

// collectIDs lists up to limit ids of stored statements, newest first.
func collectIDs(ctx context.Context, c *client, limit int) ([]string, error) {
	var ids []string
	for uri := query("limit", "1000", "format", "ids"); uri != "" && len(ids) < limit; {
		a, err := c.do(ctx, http.MethodGet, uri, nil, true)
		if err != nil {
			return nil, err
		}
		if a.status != http.StatusOK {
			return nil, fmt.Errorf("list statement ids: HTTP %d", a.status)
		}
		var res struct {
			Statements []struct {
				ID string `json:"id"`
			} `json:"statements"`
			More string `json:"more"`
		}
		if err := json.Unmarshal(a.body, &res); err != nil {
			return nil, err
		}
		for _, s := range res.Statements {
			ids = append(ids, s.ID)
		}
		uri = res.More
	}
	if len(ids) == 0 {
		return nil, errNoIDs
	}
	return ids, nil
}
