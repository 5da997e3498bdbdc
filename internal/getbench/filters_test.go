package getbench

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-lrs/tributary/internal/gen"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// sample is a statement drawn uniformly from the store: its values are drawn
// with the data's own skew (a popular learner is sampled often).
type sample struct {
	id, registration, agent, verb, object string
}

func (e *benchEnv) queryStrings(ctx context.Context, q store.Query, cols int) ([][]string, error) {
	rows, err := e.eng.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, q.Text)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		v := make([]string, cols)
		p := make([]any, cols)
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

const poolSize = 64

func agentParam(key string) string {
	mbox, ok := strings.CutPrefix(key, "mbox:")
	if !ok {
		panic("unexpected agent key " + key)
	}
	return `{"mbox":"` + mbox + `"}`
}

func mboxParam(mbox string) string { return `{"mbox":"` + mbox + `"}` }

func uri(kv ...string) string {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	if len(v) == 0 {
		return "/xapi/statements"
	}
	return "/xapi/statements?" + v.Encode()
}

func (e *benchEnv) buildFilters(ctx context.Context) ([]filter, error) {
	db, t := e.stats.Database, "{tenant:String}"
	params := store.Params{{Name: "tenant", Value: Tenant}, {Name: "pool", Value: uint64(poolSize)}}
	// Statements neither voiding nor voided, drawn by a hash of their id;
	// their values come from the stored bytes (statements keeps no filter
	// columns, migration 0017).
	voids := "SELECT %s FROM " + store.Table(db, "statement_index") + " WHERE tenant = " + t + " AND kind = 'voids'"
	sampled := "SELECT stored, id FROM " + store.Table(db, "statements") + " WHERE tenant = " + t +
		" AND id NOT IN (" + fmt.Sprintf(voids, "toUUID(key)") + ") AND id NOT IN (" + fmt.Sprintf(voids, "id") + ")" +
		" ORDER BY cityHash64(id) LIMIT {pool:UInt64}"
	rows, err := e.queryStrings(ctx, store.Query{Text: "SELECT toString(id), JSONExtractString(raw, 'context', 'registration'), " +
		"concat('mbox:', JSONExtractString(raw, 'actor', 'mbox')), JSONExtractString(raw, 'verb', 'id'), " +
		"JSONExtractString(raw, 'object', 'id') FROM " + store.Table(db, "statements") + " WHERE tenant = " + t +
		" AND (stored, id) IN (" + sampled + ") ORDER BY cityHash64(id)", Params: params}, 5)
	if err != nil {
		return nil, err
	}
	var ss []sample
	for _, r := range rows {
		ss = append(ss, sample{r[0], r[1], r[2], r[3], r[4]})
	}
	voided, err := e.queryStrings(ctx, store.Query{Text: "SELECT key FROM " + store.Table(db, "statement_index") + " WHERE tenant = " + t +
		" AND kind = 'voids' ORDER BY cityHash64(key) LIMIT {pool:UInt64}", Params: params}, 1)
	if err != nil {
		return nil, err
	}
	if len(ss) < poolSize || len(voided) == 0 {
		return nil, fmt.Errorf("store too small: %d samples, %d voided", len(ss), len(voided))
	}
	o := e.stats.Options
	g := gen.New(gen.Options{Seed: 42, Actors: o.Actors, Activities: o.Activities, Registrations: o.Registrations,
		Instructors: o.Instructors})
	// Half of every pool comes from sampled statements (popular values, as
	// often as they occur), half from the uniform tail of the population.
	var (
		fs    = map[string][]string{}
		order []string
	)
	add := func(name, u string) {
		if _, ok := fs[name]; !ok {
			order = append(order, name)
		}
		fs[name] = append(fs[name], u)
	}
	first, last := e.stats.First, e.stats.Last
	span := last.Sub(first)
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	verbs := gen.Verbs()
	for i, s := range ss {
		tail := i%2 == 1
		add("statementId", uri("statementId", s.id))
		add("voidedStatementId", uri("voidedStatementId", voided[i%len(voided)][0]))
		actor, act, reg, verb := agentParam(s.agent), s.object, s.registration, s.verb
		if tail {
			actor = mboxParam(gen.ActorMbox(g.Uniform(o.Actors)))
			act = gen.ActivityID(g.Uniform(o.Activities))
			reg = gen.RegistrationID(g.Uniform(o.Registrations))
			verb = verbs[g.Uniform(len(verbs))]
		}
		add("agent", uri("agent", actor))
		add("verb", uri("verb", verb))
		add("activity", uri("activity", act))
		add("registration", uri("registration", reg))
		relAgent := agentParam(s.agent)
		if tail {
			relAgent = mboxParam(gen.InstructorMbox(g.Uniform(o.Instructors)))
		} else if i%4 == 0 {
			relAgent = mboxParam(gen.InstructorMbox(0))
		}
		add("related_agents", uri("agent", relAgent, "related_agents", "true"))
		relAct := strings.SplitN(s.object, "/modules/", 2)[0] // the course (context parent)
		switch {
		case tail:
			relAct = gen.CourseID(g.Uniform(97))
		case i%4 == 0:
			relAct = "https://lms.example.com/programs/safety" // grouping of every statement
		}
		add("related_activities", uri("activity", relAct, "related_activities", "true"))
		recent := last.Add(-time.Duration(g.Uniform(7*24)+1) * time.Hour)
		add("since", uri("since", ts(recent)))
		at := first.Add(time.Duration(float64(span) * float64(g.Uniform(1000)) / 1000))
		add("until", uri("until", ts(at)))
		add("since+until", uri("since", ts(at.Add(-24*time.Hour)), "until", ts(at)))
		// Combinations: the pair of a real statement (the learner's own
		// registration) or a tail agent with a popular verb.
		add("agent+verb", uri("agent", actor, "verb", s.verb))
		add("activity+verb", uri("activity", act, "verb", verb))
		add("registration+agent", uri("registration", s.registration, "agent", agentParam(s.agent)))
		if tail {
			add("agent+since", uri("agent", actor, "since", ts(recent)))
		} else {
			add("agent+since", uri("agent", agentParam(s.agent), "since", ts(at.Add(-30*24*time.Hour))))
		}
		add("newest", uri())
	}
	// more: the second page of popular lists.
	for _, u := range []string{uri(), uri("verb", verbs[0]), uri("verb", verbs[len(verbs)-1]),
		uri("activity", ss[0].object), uri("agent", agentParam(ss[0].agent)), uri("since", ts(first.Add(span/2)))} {
		code, body := e.do(u)
		if code != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %s", u, code, body)
		}
		var res struct {
			More string `json:"more"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			return nil, err
		}
		if res.More != "" {
			add("more", res.More)
		}
	}
	out := make([]filter, 0, len(order))
	for _, name := range order {
		out = append(out, filter{name, fs[name]})
	}
	return out, nil
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(d)))) - 1
	return d[min(max(i, 0), len(d)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
