package durability

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// kind is what a statement of the workload is.
type kind int

const (
	plain   kind = iota
	ref          // a StatementRef to an earlier statement of its writer
	voiding      // voids an earlier statement of its writer
)

// stmt is a statement the workload sent, exactly as sent.
type stmt struct {
	id     uuid.UUID
	writer int
	kind   kind
	target uuid.UUID // ref and voiding: the statement referred to
	raw    []byte
}

const verbVoided = "http://adlnet.gov/expapi/verbs/voided"

// workload builds the statements of one test run: every statement carries
// the run's registration and its writer's verb, and a padding string that
// sets its size.
type workload struct {
	run          string
	registration uuid.UUID
	pad          string
}

// Statement sizes: about 1 KB, the size the LRS is measured with, and 4 KB,
// which fills a disk with a quarter of the statements to check.
const (
	smallStatements = 700
	largeStatements = 4000
)

func newWorkload(pad int) *workload {
	run := uuid.NewString()[:8]
	return &workload{run: run, registration: uuid.New(), pad: strings.Repeat("x", pad)}
}

func (w *workload) verb(writer int) string {
	return fmt.Sprintf("http://example.com/verbs/%s/w%d", w.run, writer)
}

func (w *workload) statement(writer int, k kind, target uuid.UUID) *stmt {
	s := &stmt{id: uuid.New(), writer: writer, kind: k, target: target}
	verb := w.verb(writer)
	object := map[string]any{"objectType": "Activity", "id": "http://example.com/activities/" + s.id.String()}
	switch k {
	case ref:
		object = map[string]any{"objectType": "StatementRef", "id": target.String()}
	case voiding:
		verb = verbVoided
		object = map[string]any{"objectType": "StatementRef", "id": target.String()}
	}
	st := map[string]any{
		"id":      s.id.String(),
		"actor":   map[string]any{"objectType": "Agent", "mbox": fmt.Sprintf("mailto:w%d@%s.example.com", writer, w.run)},
		"verb":    map[string]any{"id": verb},
		"object":  object,
		"context": map[string]any{"registration": w.registration.String()},
		"result":  map[string]any{"response": w.pad + s.id.String()},
	}
	raw, err := json.Marshal(st)
	if err != nil {
		panic(err) // maps of strings always encode
	}
	s.raw = raw
	return s
}

// other is a statement under s's id with other content.
func (w *workload) other(s *stmt) []byte {
	var st map[string]any
	_ = json.Unmarshal(s.raw, &st)
	st["result"] = map[string]any{"response": "other content"}
	b, _ := json.Marshal(st)
	return b
}

// request is one write request of a writer.
type request struct {
	method, path string
	body         []byte
	stmts        []*stmt
}

func post(stmts ...*stmt) request {
	raws := make([][]byte, len(stmts))
	for i, s := range stmts {
		raws[i] = s.raw
	}
	body := append(append([]byte{'['}, joinJSON(raws)...), ']')
	return request{method: http.MethodPost, path: "/statements", body: body, stmts: stmts}
}

func put(s *stmt) request {
	return request{method: http.MethodPut, path: "/statements?statementId=" + s.id.String(), body: s.raw, stmts: []*stmt{s}}
}

func joinJSON(raws [][]byte) []byte {
	var out []byte
	for i, r := range raws {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, r...)
	}
	return out
}

// writer sends requests one at a time and retries each until it is
// acknowledged: an attempt that got no answer (the LRS was killed) or a 503
// is sent again, the same bytes.
type writer struct {
	n        int
	w        *workload
	l        *ledger
	c        *client
	perPost  int
	rng      *rand.Rand
	voidable []*stmt // acknowledged plain and ref statements, not voided
	// retryWait bounds the wait after a 503 (the Retry-After, capped) and
	// after an attempt without answer.
	retryWait time.Duration
	// giveUp bounds the retries of one request once stop is closed.
	giveUp time.Duration
}

// next builds the next request: mostly POSTs of perPost statements, some
// single-statement PUTs, some POSTs with a StatementRef, some voiding.
func (wr *writer) next() request {
	r := wr.rng.IntN(100)
	switch {
	case r < 8 && len(wr.voidable) > 0:
		i := wr.rng.IntN(len(wr.voidable))
		target := wr.voidable[i]
		wr.voidable = slices.Delete(wr.voidable, i, i+1)
		v := wr.w.statement(wr.n, voiding, target.id)
		if r%2 == 0 {
			return put(v)
		}
		return post(v)
	case r < 16 && len(wr.voidable) > 0:
		target := wr.voidable[wr.rng.IntN(len(wr.voidable))]
		stmts := []*stmt{wr.w.statement(wr.n, ref, target.id)}
		for range wr.perPost - 1 {
			stmts = append(stmts, wr.w.statement(wr.n, plain, uuid.Nil))
		}
		return post(stmts...)
	case r < 26:
		return put(wr.w.statement(wr.n, plain, uuid.Nil))
	default:
		stmts := make([]*stmt, wr.perPost)
		for i := range stmts {
			stmts[i] = wr.w.statement(wr.n, plain, uuid.Nil)
		}
		return post(stmts...)
	}
}

// run sends requests until stop is closed, then finishes the request in
// hand (retrying it until acknowledged, for at most giveUp).
func (wr *writer) run(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		r := wr.next()
		if !wr.send(r, stop) {
			return
		}
		for _, s := range r.stmts {
			if s.kind != voiding {
				wr.voidable = append(wr.voidable, s)
			}
		}
	}
}

// send retries r until it is acknowledged; false when it gave up.
func (wr *writer) send(r request, stop <-chan struct{}) bool {
	var deadline time.Time
	for {
		a := wr.c.do(context.Background(), r.method, r.path, r.body)
		if wr.l.record(r, a, time.Now()) {
			return true
		}
		select {
		case <-stop:
			if deadline.IsZero() {
				deadline = time.Now().Add(wr.giveUp)
			}
		default:
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			wr.l.problem("%s %s not acknowledged %s after the writers stopped (last: %d %v)", r.method, r.path, wr.giveUp, a.code, a.err)
			return false
		}
		wait := wr.retryWait
		if s, err := strconv.Atoi(a.retryAfter); err == nil && time.Duration(s)*time.Second < wait {
			wait = time.Duration(s) * time.Second
		}
		time.Sleep(wait)
	}
}

// startWriters starts n writers of perPost statements a POST; wait returns
// once stop is closed and each finished its request in hand.
func startWriters(t *testing.T, n, perPost int, w *workload, l *ledger, c *client, stop <-chan struct{}) (wait func()) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range n {
		wr := &writer{n: i, w: w, l: l, c: c, perPost: perPost, rng: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano()))),
			retryWait: 100 * time.Millisecond, giveUp: 90 * time.Second}
		wg.Add(1)
		go func() { defer wg.Done(); wr.run(stop) }()
	}
	return wg.Wait
}
