// Package gen makes realistic xAPI statements: many actors, activities, verbs
// and registrations, skewed like real use (a few popular courses and verbs,
// a long tail of learners), about 1.3 KB each.
package gen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

// Options size the population statements are drawn from.
type Options struct {
	Seed          uint64
	Actors        int
	Activities    int
	Registrations int
	// Start is the timestamp of the first statement; timestamps advance by Step.
	Start time.Time
	Step  time.Duration
	// Instructors, when positive, gives about a third of the statements a
	// context instructor drawn from that many (skewed), so related_agents
	// matches more than the actor. Zero leaves statements without one.
	Instructors int
}

// DefaultOptions is a mid-size organisation.
func DefaultOptions() Options {
	return Options{Seed: 1, Actors: 20000, Activities: 2000, Registrations: 50000,
		Start: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), Step: 250 * time.Millisecond}
}

// Generator draws statements. It is not safe for concurrent use.
type Generator struct {
	opt        Options
	rnd        *rand.Rand
	actors     *rand.Zipf
	activities *rand.Zipf
	regs       *rand.Zipf
	instr      *rand.Zipf
	n          int
}

// New returns a generator.
func New(opt Options) *Generator {
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	return &Generator{
		opt:        opt,
		rnd:        r,
		actors:     rand.NewZipf(r, 1.1, 4, uint64(opt.Actors-1)),
		activities: rand.NewZipf(r, 1.3, 2, uint64(opt.Activities-1)),
		regs:       rand.NewZipf(r, 1.05, 8, uint64(opt.Registrations-1)),
		instr:      rand.NewZipf(r, 1.2, 2, uint64(max(opt.Instructors, 1)-1)),
	}
}

// Verbs returns the verb ids statements use, most frequent first.
func Verbs() []string {
	out := make([]string, 0, len(verbs))
	for _, i := range []int{0, 3, 2, 1, 6, 7, 4, 8, 9, 5, 10, 11} {
		out = append(out, verbs[i].id)
	}
	return out
}

// Options returns the options g draws from.
func (g *Generator) Options() Options { return g.opt }

// Actor draws an actor number from the statements' (skewed) distribution.
func (g *Generator) Actor() int { return int(g.actors.Uint64()) }

// Activity draws an activity number from the statements' distribution.
func (g *Generator) Activity() int { return int(g.activities.Uint64()) }

// Registration draws a registration number from the statements' distribution.
func (g *Generator) Registration() int { return int(g.regs.Uint64()) }

// Verb draws a verb id from the statements' distribution.
func (g *Generator) Verb() string { id, _ := g.verb(); return id }

// Uniform draws a number in [0, n): a tail value when n is a population size.
func (g *Generator) Uniform(n int) int { return g.rnd.IntN(n) }

// CourseID is the id of the course (a context parent) of activity n.
func CourseID(n int) string { return fmt.Sprintf("https://lms.example.com/courses/c%03d", n%97) }

// InstructorMbox is the mbox of instructor n.
func InstructorMbox(n int) string { return fmt.Sprintf("mailto:instructor%04d@example.com", n) }

// Voiding returns a statement that voids the statement target, by actor n.
func (g *Generator) Voiding(target string, actor int) map[string]any {
	g.n++
	return map[string]any{
		"id": uuid.New().String(),
		"actor": map[string]any{"objectType": "Agent", "name": fmt.Sprintf("Learner %05d", actor),
			"mbox": ActorMbox(actor)},
		"verb":      map[string]any{"id": "http://adlnet.gov/expapi/verbs/voided", "display": map[string]any{"en-US": "voided"}},
		"object":    map[string]any{"objectType": "StatementRef", "id": target},
		"timestamp": g.opt.Start.Add(time.Duration(g.n) * g.opt.Step).Format("2006-01-02T15:04:05.000Z"),
	}
}

var verbs = []struct{ id, name string }{
	{"http://adlnet.gov/expapi/verbs/experienced", "experienced"},
	{"http://adlnet.gov/expapi/verbs/attempted", "attempted"},
	{"http://adlnet.gov/expapi/verbs/completed", "completed"},
	{"http://adlnet.gov/expapi/verbs/answered", "answered"},
	{"http://adlnet.gov/expapi/verbs/passed", "passed"},
	{"http://adlnet.gov/expapi/verbs/failed", "failed"},
	{"http://adlnet.gov/expapi/verbs/launched", "launched"},
	{"http://adlnet.gov/expapi/verbs/initialized", "initialized"},
	{"http://adlnet.gov/expapi/verbs/terminated", "terminated"},
	{"http://adlnet.gov/expapi/verbs/progressed", "progressed"},
	{"http://adlnet.gov/expapi/verbs/scored", "scored"},
	{"http://id.tincanapi.com/verb/viewed", "viewed"},
}

// verbWeights skews verbs like real traffic: experienced/answered dominate.
var verbWeights = []int{30, 8, 10, 25, 4, 2, 5, 5, 4, 4, 2, 1}

func (g *Generator) verb() (string, string) {
	total := 0
	for _, w := range verbWeights {
		total += w
	}
	x := g.rnd.IntN(total)
	for i, w := range verbWeights {
		if x < w {
			return verbs[i].id, verbs[i].name
		}
		x -= w
	}
	return verbs[0].id, verbs[0].name
}

// ActorMbox is the mbox of actor n.
func ActorMbox(n int) string { return fmt.Sprintf("mailto:learner%05d@example.com", n) }

// ActivityID is the id of activity n.
func ActivityID(n int) string {
	return fmt.Sprintf("https://lms.example.com/courses/c%03d/modules/m%04d", n%97, n)
}

// RegistrationID is the registration n (deterministic UUID).
func RegistrationID(n int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, fmt.Appendf(nil, "registration/%d", n)).String()
}

// Next returns the next statement, with an id.
func (g *Generator) Next() map[string]any {
	g.n++
	actor := int(g.actors.Uint64())
	act := int(g.activities.Uint64())
	course := act % 97
	verbID, verbName := g.verb()
	ts := g.opt.Start.Add(time.Duration(g.n) * g.opt.Step)
	score := g.rnd.IntN(101)
	st := map[string]any{
		"id": uuid.New().String(),
		"actor": map[string]any{"objectType": "Agent", "name": fmt.Sprintf("Learner %05d", actor),
			"mbox": ActorMbox(actor)},
		"verb": map[string]any{"id": verbID, "display": map[string]any{"en-US": verbName}},
		"object": map[string]any{"objectType": "Activity", "id": ActivityID(act),
			"definition": map[string]any{
				"name":        map[string]any{"en-US": fmt.Sprintf("Module %d of course %d", act, course)},
				"description": map[string]any{"en-US": "A module about safe handling of the equipment, with a short assessment at the end."},
				"type":        "http://adlnet.gov/expapi/activities/module",
			}},
		"result": map[string]any{"score": map[string]any{"scaled": float64(score) / 100, "raw": score, "min": 0, "max": 100},
			"success": score >= 60, "completion": true, "duration": fmt.Sprintf("PT%dM%dS", g.rnd.IntN(50), g.rnd.IntN(60))},
		"context": map[string]any{
			"registration": RegistrationID(int(g.regs.Uint64())),
			"platform":     "Example LMS",
			"language":     "en-US",
			"contextActivities": map[string]any{
				"parent":   []any{map[string]any{"id": CourseID(act), "objectType": "Activity"}},
				"grouping": []any{map[string]any{"id": "https://lms.example.com/programs/safety", "objectType": "Activity"}},
				"category": []any{map[string]any{"id": "https://w3id.org/xapi/cmi5/context/categories/moveon", "objectType": "Activity"}},
			},
			"extensions": map[string]any{"https://lms.example.com/extensions/session": fmt.Sprintf("s-%d", g.n/20)},
		},
		"timestamp": ts.Format("2006-01-02T15:04:05.000Z"),
	}
	if g.opt.Instructors > 0 && g.rnd.IntN(3) == 0 {
		st["context"].(map[string]any)["instructor"] = map[string]any{"objectType": "Agent",
			"mbox": InstructorMbox(int(g.instr.Uint64()))}
	}
	return st
}
