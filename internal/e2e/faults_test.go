package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/internal/gen"
	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
	"github.com/tributary-lrs/tributary/processor/consumer"
	"github.com/tributary-lrs/tributary/processor/sink"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// sinkWrite is one write a processor asked of its sink.
type sinkWrite struct {
	token string
	ids   []uuid.UUID
}

// watchedSink records every write of one processor, and can end its
// goroutine (a kill -9) or hold its writes at chosen points.
type watchedSink struct {
	consumer.Sink
	// crashBefore ends the processor at its first write, before the insert
	// (after its intent was recorded); crashAfter right after its first
	// successful write, before its progress and commit.
	crashBefore, crashAfter bool
	// gate, when set, runs before each write.
	gate func(token string)

	mu     sync.Mutex
	writes []sinkWrite
}

func (w *watchedSink) wrap(s consumer.Sink) consumer.Sink { w.Sink = s; return w }

func (w *watchedSink) Write(ctx context.Context, token string, batch []*envelope.Envelope) ([]consumer.Rejected, error) {
	sw := sinkWrite{token: token}
	for _, e := range batch {
		sw.ids = append(sw.ids, e.ID)
	}
	w.mu.Lock()
	w.writes = append(w.writes, sw)
	w.mu.Unlock()
	if w.crashBefore {
		runtime.Goexit()
	}
	if w.gate != nil {
		w.gate(token)
	}
	rej, err := w.Sink.Write(ctx, token, batch)
	if err == nil && w.crashAfter {
		runtime.Goexit()
	}
	return rej, err
}

func (w *watchedSink) log() []sinkWrite {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.writes)
}

// wrote reports whether the processor tried to write under token.
func (w *watchedSink) wrote(token string) bool {
	return slices.ContainsFunc(w.log(), func(sw sinkWrite) bool { return sw.token == token })
}

// failStatementsTable makes the statements table refuse every insert while
// on(true) holds, whatever the other views of the insert do: the technique
// of processor/sink's dedup test, a CHECK constraint reading a Join-engine
// flag (an engine error between the views, as a full disk would raise). The
// check fails half a second late: the engine runs the views' chains side by
// side, and the tests need statement_ids' to have written its part first.
func (s *stack) failStatementsTable() (on func(bool)) {
	s.t.Helper()
	ctx := context.Background()
	flag := store.Table(s.db, "failflag")
	for _, q := range []string{
		"CREATE TABLE " + flag + " (k UInt8, v UInt8) ENGINE = Join(ANY, LEFT, k)",
		"ALTER TABLE " + store.Table(s.db, "statements") + " ADD CONSTRAINT injected_failure CHECK isNull(joinGetOrNull(" +
			chdb.Literal(s.db+".failflag") + ", 'v', toUInt8(0))) OR sleep(0.5) != 0",
	} {
		if err := engine.Exec(ctx, store.SQL(q)); err != nil {
			s.t.Fatal(err)
		}
	}
	s.runStatementIDsFirst(flag)
	return func(fail bool) {
		q := "TRUNCATE TABLE " + flag
		if fail {
			q = "INSERT INTO " + flag + " VALUES (0, 1)"
		}
		if err := engine.Exec(ctx, store.SQL(q)); err != nil {
			s.t.Fatal(err)
		}
	}
}

// runStatementIDsFirst recreates statement_ids' view until the engine runs
// it before the statements table's, so that a failing statements table
// leaves statement_ids written (the state a kill -9 or a full disk between
// the views leaves). Each probe writes one statement while the table fails;
// the tables it reached are emptied after (the stack holds nothing yet).
func (s *stack) runStatementIDsFirst(flag string) {
	s.t.Helper()
	ctx := context.Background()
	probe, err := sink.New(engine, s.db, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		s.t.Fatal(err)
	}
	if err := engine.Exec(ctx, store.SQL("INSERT INTO "+flag+" VALUES (0, 1)")); err != nil {
		s.t.Fatal(err)
	}
	const statement = `{"id":%q,"actor":{"mbox":"mailto:probe@example.com"},"verb":{"id":"http://example.com/probed"},` +
		`"object":{"id":"http://example.com/probe"},"stored":"2024-03-01T10:00:00.000Z","timestamp":"2024-03-01T10:00:00.000Z",` +
		`"version":"1.0.0","authority":{"objectType":"Agent","account":{"homePage":"http://lrs","name":"probe"}}}`
	for attempt := 1; ; attempt++ {
		id := uuid.New()
		env := &envelope.Envelope{V: 1, Kind: envelope.KindStatement, Tenant: "probe", ID: id, Stored: time.Now(),
			XAPIVersion: "1.0.3", ContentHash: "probe-" + id.String(), Statement: []byte(fmt.Sprintf(statement, id)),
			Authority: []byte(`{"objectType":"Agent","account":{"homePage":"http://lrs","name":"probe"}}`)}
		_, err := probe.WriteNew(ctx, fmt.Sprintf("probe-%d", attempt), []*envelope.Envelope{env})
		if err == nil {
			s.t.Fatal("a write succeeded while the statements table fails")
		}
		if s.storedIn("statement_ids", []uuid.UUID{env.ID}) == 1 {
			break
		}
		if attempt == 30 {
			s.t.Fatalf("after 30 new views the engine still runs statement_ids' after the statements table's (last: %v)", err)
		}
		chdbtest.RecreateView(s.t, engine, s.db, "statement_ids_batch_mv")
	}
	for _, table := range []string{"statements", "statement_ids", "statement_index", "agent_names", "activity_definition_parts", flag} {
		if table != flag {
			table = store.Table(s.db, table)
		}
		if err := engine.Exec(ctx, store.SQL("TRUNCATE TABLE "+table)); err != nil {
			s.t.Fatal(err)
		}
	}
}

// postGenerated posts n generated statements in one request and returns
// their ids.
func (s *stack) postGenerated(n int, seed uint64) []uuid.UUID {
	s.t.Helper()
	o := gen.DefaultOptions()
	o.Seed = seed
	code, got := s.post(statements(gen.New(o), n))
	if code != http.StatusOK || len(got) != n {
		s.t.Fatalf("POST: status %d, %d ids", code, len(got))
	}
	ids := make([]uuid.UUID, n)
	for i, id := range got {
		ids[i] = uuid.MustParse(id)
	}
	return ids
}

// cutShortBetweenTheViews posts statements and lets a processor whose batch
// holds all of them fail between the views of its insert until one reached
// statement_ids while statements holds none, then stops it: what a kill -9
// mid-insert leaves. It returns the ids and the batch cut short.
func (s *stack) cutShortBetweenTheViews(fail func(bool)) ([]uuid.UUID, sinkWrite) {
	s.t.Helper()
	fail(true)
	ids := s.postGenerated(60, 801)
	first := &watchedSink{}
	p := s.start(member{batchRows: 5000, batchAge: time.Second, shutdown: time.Second, sink: first.wrap})
	waitFor(s.t, 30*time.Second, "a failed insert to reach statement_ids", func() bool { return s.storedIn("statement_ids", ids) > 0 })
	p.stop(s.t)
	if n := s.storedIn("statements", ids); n != 0 {
		s.t.Fatalf("the failing statements table holds %d statements", n)
	}
	return ids, first.log()[0]
}

// Issue 8: "a batch is either wholly visible in every table or not
// acknowledged and not claimed as stored by any check", with "engine errors
// injected between the views" and a processor then replaced by one whose
// batches are made differently (batch_rows 7). The replacement first stores
// the batch cut short, as it was (same token, same statements, same order),
// then goes on: every acknowledged statement is in every table exactly once
// (a counting rollup would count it once), readable by id and by filter, and
// nothing is dead-lettered. Without the intent its batches of 7 carry new
// tokens and skip as stored the ids the failed insert wrote to
// statement_ids: lost.
func TestIssue8_InsertCutShortBetweenTheViewsIsCompletedByTheReplacingProcessor(t *testing.T) {
	s := newStack(t)
	fail := s.failStatementsTable()
	_, cut := s.cutShortBetweenTheViews(fail)

	next := &watchedSink{}
	s.start(member{batchRows: 7, sink: next.wrap})
	waitFor(t, 30*time.Second, "the replacing processor to try the batch again", func() bool { return len(next.log()) > 0 })
	fail(false)
	s.waitAllVisible()
	s.checkStoredOnceEverywhere()
	s.checkReadable()
	if n := s.deadLetters(); n != 0 {
		t.Fatalf("%d messages dead-lettered, want none", n)
	}
	if redo := next.log()[0]; redo.token != cut.token || !slices.Equal(redo.ids, cut.ids) {
		t.Fatalf("the replacing processor first wrote %s (%d statements), want the batch cut short %s (%d)",
			redo.token, len(redo.ids), cut.token, len(cut.ids))
	}
}

// Issue 8, the batch cut short spanning every partition, whose partitions two
// processors then own (batch_rows 7 and 11): each stores the whole batch
// under its token (the partitions it does not own read outside the group),
// both at the same moment (held at a barrier), and the engine keeps it
// once: every statement is in every table exactly once, readable, and
// nothing is dead-lettered.
func TestIssue8_InsertCutShortOverEveryPartitionIsCompletedByTwoOwnersAtOnce(t *testing.T) {
	s := newStack(t)
	fail := s.failStatementsTable()
	_, cut := s.cutShortBetweenTheViews(fail)
	if in := s.intents(); len(in) != partitions {
		t.Fatalf("the batch cut short is recorded in %d partitions, want %d: %v", len(in), partitions, in)
	}

	// Once armed, each processor's next write of the batch waits at a
	// barrier; both are released together once the failure is cleared.
	arrived, release := make(chan struct{}, 2), make(chan struct{})
	var mu sync.Mutex
	armed := false
	gate := func(token string) {
		mu.Lock()
		hold := armed && token == cut.token
		mu.Unlock()
		if !hold {
			return
		}
		arrived <- struct{}{}
		<-release
	}
	a, b := &watchedSink{gate: gate}, &watchedSink{gate: gate}
	s.start(member{batchRows: 7, sink: a.wrap})
	s.start(member{batchRows: 11, sink: b.wrap})
	waitFor(t, 30*time.Second, "both processors to try the batch again", func() bool { return a.wrote(cut.token) && b.wrote(cut.token) })
	mu.Lock()
	armed = true
	mu.Unlock()
	for range 2 {
		select {
		case <-arrived:
		case <-time.After(30 * time.Second):
			close(release)
			t.Fatal("both processors did not write the batch again")
		}
	}
	mu.Lock()
	armed = false
	mu.Unlock()
	fail(false)
	close(release)
	s.waitAllVisible()
	s.checkStoredOnceEverywhere()
	s.checkReadable()
	if n := s.deadLetters(); n != 0 {
		t.Fatalf("%d messages dead-lettered, want none", n)
	}
	waitFor(t, 30*time.Second, "every intent cleared by its partition's owner", func() bool { return len(s.intents()) == 0 })
}

// Issue 8, "kill -9 mid-insert" at its two edges: a processor killed after
// recording its batch's intent and before the insert, and one killed after
// the insert and before its progress and commit. The replacement (batch_rows
// 7) stores the same batch first, and every statement is in every table
// exactly once, readable, and nothing is dead-lettered.
func TestIssue8_ProcessorKilledAroundTheInsertIsReplacedByTheSameBatch(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, after bool
		storedByCrash uint64 // statements of the batch the killed processor stored
	}{
		{name: "after the intent, before the insert", before: true},
		{name: "after the insert, before the commit", after: true, storedByCrash: 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack(t)
			ids := s.postGenerated(60, 802)
			first := &watchedSink{crashBefore: tc.before, crashAfter: tc.after}
			p := s.start(member{batchRows: 5000, batchAge: time.Second, sink: first.wrap})
			select {
			case err := <-p.done:
				if err != errGoexit {
					t.Fatalf("processor ended with %v, want the simulated crash", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the processor was not killed")
			}
			cut := first.log()[0]
			if in := s.intents(); len(in) == 0 {
				t.Fatal("no intent recorded for the batch of the killed processor")
			}
			if n := s.storedIn("statements", ids); n != tc.storedByCrash {
				t.Fatalf("the killed processor stored %d statements, want %d", n, tc.storedByCrash)
			}
			next := &watchedSink{}
			s.start(member{batchRows: 7, sink: next.wrap})
			s.waitAllVisible()
			s.checkStoredOnceEverywhere()
			s.checkReadable()
			if n := s.deadLetters(); n != 0 {
				t.Fatalf("%d messages dead-lettered, want none", n)
			}
			if redo := next.log()[0]; redo.token != cut.token || !slices.Equal(redo.ids, cut.ids) {
				t.Fatalf("the replacing processor first wrote %s (%d statements), want the batch of the killed one %s (%d)",
					redo.token, len(redo.ids), cut.token, len(cut.ids))
			}
		})
	}
}
