package sink

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// stmtBy is a statement by actor, with verb and object, stored by the
// credential named authority.
func stmtBy(id uuid.UUID, stored time.Time, authority, actor, verb, object string) *envelope.Envelope {
	auth := fmt.Sprintf(`{"objectType":"Agent","account":{"homePage":"http://lrs","name":%q}}`, authority)
	raw := fmt.Sprintf(`{"id":%q,"actor":{"mbox":"mailto:%s@example.com"},"verb":{"id":%q},"object":%s,`+
		`"stored":"2024-03-01T10:00:00.000Z","timestamp":"2024-03-01T10:00:00.000Z","version":"1.0.0","authority":%s}`,
		id, actor, verb, object, auth)
	return &envelope.Envelope{V: 1, Kind: envelope.KindStatement, Tenant: "acme", ID: id, Stored: stored,
		XAPIVersion: "1.0.3", ContentHash: "h-" + id.String(), Statement: []byte(raw), Authority: []byte(auth)}
}

func activity(id string) string { return fmt.Sprintf(`{"id":%q}`, id) }

func statementRef(id uuid.UUID) string {
	return fmt.Sprintf(`{"objectType":"StatementRef","id":%q}`, strings.ToUpper(id.String()))
}

func newSink(t *testing.T, eng store.Engine, db string) *Sink {
	t.Helper()
	s, err := New(eng, db, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustWrite(t *testing.T, s *Sink, envs ...*envelope.Envelope) {
	t.Helper()
	if rej, err := s.Write(context.Background(), "", envs); err != nil || len(rej) != 0 {
		t.Fatalf("Write: %v, rejected %v", err, rej)
	}
}

func sorted(ids ...uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(x, y uuid.UUID) int { return slices.Compare(x[:], y[:]) })
	return out
}

// refChain is t ← r1 ← r2 (r1 refers to t, r2 to r1), by the actors
// ann, bob and carl (with suffix), t by another credential.
type refChain struct {
	t, r1, r2 *envelope.Envelope
	suffix    string
}

func newRefChain(at time.Time, suffix string) refChain {
	t, r1, r2 := uuid.New(), uuid.New(), uuid.New()
	return refChain{suffix: suffix,
		t: stmtBy(t, at, "k2", "ann"+suffix, "http://adlnet.gov/expapi/verbs/completed",
			activity("http://example.com/course"+suffix)),
		r1: stmtBy(r1, at.Add(time.Second), "k1", "bob"+suffix, "http://example.com/verbs/confirmed", statementRef(t)),
		r2: stmtBy(r2, at.Add(2*time.Second), "k1", "carl"+suffix, "http://example.com/verbs/liked", statementRef(r1)),
	}
}

// check asserts that the chain's filters find what Communication 2.1.3 says.
func (c refChain) check(t *testing.T, db string) {
	t.Helper()
	for _, tc := range []struct {
		kind, key string
		want      []uuid.UUID
	}{
		{"agent", "mbox:mailto:ann" + c.suffix + "@example.com", sorted(c.t.ID, c.r1.ID, c.r2.ID)},
		{"activity", "http://example.com/course" + c.suffix, sorted(c.t.ID, c.r1.ID, c.r2.ID)},
		{"agent", "mbox:mailto:bob" + c.suffix + "@example.com", sorted(c.r1.ID, c.r2.ID)},
		{"agent", "mbox:mailto:carl" + c.suffix + "@example.com", sorted(c.r2.ID)},
	} {
		if got := matching(t, db, tc.kind, tc.key); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s: %v, want %v", tc.kind, tc.key, got, tc.want)
		}
	}
}

// Communication 2.1.3 "Filter Conditions for StatementRefs" (issue 7, item
// 10): a statement referring to another meets the filters its target meets,
// recursively, whatever order referrer and target are stored in: the
// referrer stored first inherits once the target arrives.
func TestComm2_1_3_StatementRefInheritanceIndependentOfArrivalOrder(t *testing.T) {
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	orders := [][]string{
		{"t", "r1", "r2"}, {"t", "r2", "r1"}, {"r1", "t", "r2"},
		{"r1", "r2", "t"}, {"r2", "t", "r1"}, {"r2", "r1", "t"},
	}
	for _, order := range orders {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			db := newDB(t)
			s := newSink(t, eng, db)
			c := newRefChain(at, "")
			by := map[string]*envelope.Envelope{"t": c.t, "r1": c.r1, "r2": c.r2}
			for _, name := range order {
				mustWrite(t, s, by[name])
			}
			c.check(t, db)
		})
	}
	t.Run("referrer and target in one batch, the referrer first", func(t *testing.T) {
		db := newDB(t)
		c := newRefChain(at, "")
		mustWrite(t, newSink(t, eng, db), c.r2, c.r1, c.t)
		c.check(t, db)
	})
}

// Issue 7, item 10: referrer and target stored at the same time by two
// processors (they land on different partitions): each checks after its
// own insert returned, so the links are always written.
func TestComm2_1_3_StatementRefInheritanceWithConcurrentWriters(t *testing.T) {
	db := newDB(t)
	a, b := newSink(t, eng, db), newSink(t, eng, db)
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	var chains []refChain
	for i := 0; i < 12; i++ {
		chains = append(chains, newRefChain(at.Add(time.Duration(i)*time.Minute), fmt.Sprint(i)))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(chains))
	for _, c := range chains {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := a.Write(context.Background(), "", []*envelope.Envelope{c.t, c.r2})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := b.Write(context.Background(), "", []*envelope.Envelope{c.r1})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range chains {
		c.check(t, db)
	}
}

// Issue 7, item 10: a crash between the insert of the statements and the
// insert of the inheritance completed after it loses nothing: the batch
// delivered again, to a restarted processor, finds its statements stored
// and writes the missing rows.
func TestComm2_1_3_StatementRefInheritanceSurvivesACrashBetweenInserts(t *testing.T) {
	db := newDB(t)
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	c := newRefChain(at, "")
	mustWrite(t, newSink(t, eng, db), c.r1, c.r2)
	rec := &recorder{Engine: eng, failOn: store.Table(db, "statement_index")}
	if _, err := newSink(t, rec, db).Write(context.Background(), "", []*envelope.Envelope{c.t}); err == nil || !store.IsTransient(err) {
		t.Fatalf("Write with the second insert failing: %v, want a transient error", err)
	}
	if got := matching(t, db, "agent", "mbox:mailto:ann@example.com"); !slices.Equal(got, []uuid.UUID{c.t.ID}) {
		t.Fatalf("before the redelivery: %v, want only the target", got)
	}
	restarted := newSink(t, eng, db)
	mustWrite(t, restarted, c.t)
	c.check(t, db)
	// Nothing is missing any more: a further copy writes nothing.
	rec = &recorder{Engine: eng}
	mustWrite(t, newSink(t, rec, db), c.t, c.r1, c.r2)
	if len(rec.tables) != 0 {
		t.Errorf("a copy of a complete chain inserted into %v", rec.tables)
	}
}

// Communication 4.2 (issue 7, item 20): rows inherited late carry the
// authority of their owner and of the statement they describe, as the rows
// inherited when the referrer is stored do.
func TestComm4_2_LateInheritedRowsCarryBothAuthorities(t *testing.T) {
	db := newDB(t)
	c := newRefChain(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), "")
	s := newSink(t, eng, db)
	mustWrite(t, s, c.r2)
	mustWrite(t, s, c.r1)
	mustWrite(t, s, c.t)
	rows, err := eng.Query(context.Background(), store.SQL("SELECT id, via, authority_key, via_authority_key FROM "+
		store.Table(db, "statement_index")+" WHERE tenant = 'acme' AND kind = 'agent' AND key = 'mbox:mailto:ann@example.com'"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	name := map[uuid.UUID]string{c.t.ID: "t", c.r1.ID: "r1", c.r2.ID: "r2", uuid.Nil: "-"}
	var got []string
	for rows.Next() {
		var id, via uuid.UUID
		var auth, viaAuth string
		if err := rows.Scan(&id, &via, &auth, &viaAuth); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s via %s: %s %s", name[id], name[via], auth, viaAuth))
	}
	slices.Sort(got)
	want := []string{
		"r1 via t: account:http://lrs|k1 account:http://lrs|k2",
		"r2 via t: account:http://lrs|k1 account:http://lrs|k2",
		"t via -: account:http://lrs|k2 account:http://lrs|k2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ann's rows:\n got %q\nwant %q", got, want)
	}
}
