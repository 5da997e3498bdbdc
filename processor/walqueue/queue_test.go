package walqueue

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// Issue 8 ("acknowledge from a durable log"): once Publish returned, the
// statements are in the log: a crash before any insert loses nothing, and
// the next start stores them.
func TestIssue8_AcknowledgedStatementsSurviveACrashBeforeTheInsert(t *testing.T) {
	dir := t.TempDir()
	held := &recorder{gate: make(chan struct{})} // the store never answers
	q := open(t, dir, held, nil, Options{})
	envs := newStmts(5)
	if err := q.Publish(context.Background(), envs); err != nil {
		t.Fatal(err)
	}
	closeNow(q)
	if got := held.storedIDs(); len(got) != 0 {
		t.Fatalf("stored before the crash: %v", got)
	}
	rec := &recorder{}
	q = open(t, dir, rec, nil, Options{})
	eventually(t, "the replayed statements are stored", func() bool { return len(rec.storedIDs()) == 5 })
	closeAll(t, q)
	if got := rec.storedIDs(); !slices.Equal(got, ids(envs...)) {
		t.Fatalf("stored %v, want %v", got, ids(envs...))
	}
}

// Inserts are big batches: bounded by BatchRows, in log order, each under
// the token of its log range.
func TestIssue8_InsertsAreBatchesInLogOrder(t *testing.T) {
	rec := &recorder{gate: make(chan struct{})}
	q := open(t, t.TempDir(), rec, nil, Options{BatchRows: 10, BatchAge: time.Hour})
	var all []uuid.UUID
	for range 5 {
		envs := newStmts(5)
		all = append(all, ids(envs...)...)
		if err := q.Publish(context.Background(), envs); err != nil {
			t.Fatal(err)
		}
	}
	close(rec.gate)
	closeAll(t, q) // flushes what waits, whatever its age
	got := rec.stored()
	var sizes []int
	var stored []uuid.UUID
	var last uint64
	for _, b := range got {
		sizes = append(sizes, len(b.ids))
		stored = append(stored, b.ids...)
		in, ok := parseIntent([]byte("1 1 " + b.token))
		if !ok || !strings.HasPrefix(in.token, "wal:") {
			t.Fatalf("token %q", b.token)
		}
		var first, end uint64
		if _, err := fmtSscan(b.token, &first, &end); err != nil {
			t.Fatalf("token %q: %v", b.token, err)
		}
		if first != last+1 || end-first+1 != uint64(len(b.ids)) {
			t.Fatalf("token %q after %d for %d statements: ranges must be contiguous", b.token, last, len(b.ids))
		}
		last = end
	}
	if !slices.Equal(sizes, []int{10, 10, 5}) {
		t.Fatalf("batch sizes %v, want [10 10 5]", sizes)
	}
	if !slices.Equal(stored, all) {
		t.Fatal("statements stored out of log order")
	}
}

// Communication 2.1.2 (409 Conflict) and Data 2.5: an id already accepted
// with other content is refused; a request is stored whole or not at all;
// the same statement again changes nothing.
func TestIssue8_ConflictsAgainstTheLogAndTheStore(t *testing.T) {
	storedID := uuid.New()
	lookup := &fakeLookup{hashes: map[store.StatementKey]string{{Tenant: "t", ID: storedID}: "hash-stored"}}
	rec := &recorder{gate: make(chan struct{})} // nothing leaves the log during the test
	q := open(t, t.TempDir(), rec, lookup, Options{})
	ctx := context.Background()
	x := stmt(uuid.New(), "a")
	if err := q.Publish(ctx, []*envelope.Envelope{x}); err != nil {
		t.Fatal(err)
	}
	fresh := stmt(uuid.New(), "fresh")
	if err := q.Publish(ctx, []*envelope.Envelope{fresh, stmt(x.ID, "b")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("pending id with other content: %v, want ErrConflict", err)
	}
	if _, ok := q.pend.get(key(fresh)); ok {
		t.Fatal("the other statement of the refused request was accepted")
	}
	if err := q.Publish(ctx, []*envelope.Envelope{stmt(x.ID, "a")}); err != nil {
		t.Fatalf("same statement again: %v", err)
	}
	if err := q.Publish(ctx, []*envelope.Envelope{stmt(storedID, "other")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stored id with other content: %v, want ErrConflict", err)
	}
	if err := q.Publish(ctx, []*envelope.Envelope{stmt(storedID, "stored")}); err != nil {
		t.Fatalf("stored statement again: %v", err)
	}
	asked := lookup.asked
	assigned := stmt(uuid.New(), "assigned")
	assigned.IDSupplied = false
	if err := q.Publish(ctx, []*envelope.Envelope{assigned}); err != nil {
		t.Fatal(err)
	}
	if lookup.asked != asked {
		t.Fatal("an id the LRS assigned was looked up in the store")
	}
	close(rec.gate)
	eventually(t, "x and the assigned one stored", func() bool { return len(rec.storedIDs()) == 2 })
	// Stored now, and unknown to the (fake) store lookup: a request that was
	// checked against the store before x was stored is still refused.
	if err := q.Publish(ctx, []*envelope.Envelope{stmt(x.ID, "c")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("recently stored id with other content: %v, want ErrConflict", err)
	}
	closeAll(t, q)
	if got := rec.storedIDs(); !slices.Equal(got, []uuid.UUID{x.ID, assigned.ID}) {
		t.Fatalf("stored %v, want x and the assigned one only", got)
	}
}

// Issue 8, durability defect 3: a request whose client gave up before its
// statements were written stores nothing and gets an error.
func TestIssue8_ClientGoneBeforeTheWriteStoresNothing(t *testing.T) {
	// The appender waits in the id lookup of the first request.
	lookup := &fakeLookup{gate: make(chan struct{}), entered: make(chan struct{}, 4)}
	rec := &recorder{}
	dir := t.TempDir()
	q := open(t, dir, rec, lookup, Options{})
	first := stmt(uuid.New(), "first")
	done := make(chan error, 1)
	go func() { done <- q.Publish(context.Background(), []*envelope.Envelope{first}) }()
	<-lookup.entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	gone := stmt(uuid.New(), "gone")
	if err := q.Publish(ctx, []*envelope.Envelope{gone}); !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Publish of a client gone: %v", err)
	}
	close(lookup.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	closeAll(t, q)
	q = open(t, dir, rec, &fakeLookup{}, Options{}) // nothing replayed either
	closeAll(t, q)
	if got := rec.storedIDs(); !slices.Equal(got, []uuid.UUID{first.ID}) {
		t.Fatalf("stored %v, want only the first statement", got)
	}
}

// Issue 8 (flow control): while more than MaxPendingBytes wait for the
// store, a write waits for it to catch up (so the consistency lag stays
// short) and gets a 503 (store.ErrUnavailable) if it does not in time; while
// the store is failing, the 503 comes at once.
func TestIssue8_BacklogHoldsWritesBackThenRefusesThem(t *testing.T) {
	rec := &recorder{gate: make(chan struct{})}
	q := open(t, t.TempDir(), rec, nil, Options{MaxPendingBytes: 2000, BacklogWait: 100 * time.Millisecond})
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = q.Publish(context.Background(), newStmts(3))
	}
	if !errors.Is(err, ErrBacklog) || !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Publish with the store stuck: %v, want ErrBacklog", err)
	}
	// The store catches up while a write waits: it is accepted.
	done := make(chan error, 1)
	go func() { done <- q.Publish(context.Background(), newStmts(1)) }()
	close(rec.gate)
	if err := <-done; err != nil {
		t.Fatalf("a write waiting while the store caught up: %v", err)
	}
	closeAll(t, q)

	failing := &recorder{fail: func(string) error { return store.ErrUnavailable }, calls: make(chan string, 100)}
	q = open(t, t.TempDir(), failing, nil, Options{MaxPendingBytes: 2000, BacklogWait: time.Hour, RetryMin: time.Millisecond})
	err = nil
	for i := 0; i < 100 && err == nil; i++ {
		err = q.Publish(context.Background(), newStmts(3))
	}
	<-failing.calls
	eventually(t, "the failing store refuses writes at once", func() bool {
		start := time.Now()
		err := q.Publish(context.Background(), newStmts(1))
		return errors.Is(err, ErrBacklog) && time.Since(start) < time.Second
	})
	closeNow(q)
}

// Issue 8, durability defects 1 and 2: a batch whose insert was cut short is
// inserted again after a restart with exactly the same statements and the
// same token, whatever else the log holds by then.
func TestIssue8_ReplayRedoesTheCutShortBatchExactly(t *testing.T) {
	dir := t.TempDir()
	calls := make(chan string, 16)
	failing := &recorder{calls: calls, fail: func(string) error { return store.ErrUnavailable }}
	q := open(t, dir, failing, nil, Options{BatchRows: 3, RetryMin: time.Hour})
	envs := newStmts(7)
	if err := q.Publish(context.Background(), envs); err != nil {
		t.Fatal(err)
	}
	token := <-calls // the first batch's insert failed (cut short)
	closeNow(q)
	rec := &recorder{}
	q = open(t, dir, rec, nil, Options{BatchRows: 100, BatchAge: time.Millisecond})
	eventually(t, "everything stored after the restart", func() bool { return len(rec.storedIDs()) == 7 })
	closeAll(t, q)
	got := rec.stored()
	if got[0].token != token || !slices.Equal(got[0].ids, ids(envs[:3]...)) {
		t.Fatalf("first batch after the restart: %s %v; want the cut-short batch %s %v", got[0].token, got[0].ids, token, ids(envs[:3]...))
	}
	if !slices.Equal(rec.storedIDs(), ids(envs...)) {
		t.Fatal("statements lost or repeated")
	}
}

// Issue 8: tokens name log ranges; a log emptied and reopened starts a new
// epoch, so a token is never reused for other statements.
func TestIssue8_TokensNeverRepeatAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	rec := &recorder{}
	for range 3 {
		q := open(t, dir, rec, nil, Options{BatchAge: time.Millisecond})
		if err := q.Publish(context.Background(), newStmts(2)); err != nil {
			t.Fatal(err)
		}
		closeAll(t, q)
	}
	seen := map[string]bool{}
	for _, b := range rec.stored() {
		if seen[b.token] {
			t.Fatalf("token %s used twice", b.token)
		}
		seen[b.token] = true
	}
}

// Issue 8 (read-your-write): a statement acknowledged but not stored yet is
// served to statementId reads; a pending voiding statement voids its target
// at once, and counts as a voiding statement for ingest's Data 2.3.2 check.
func TestIssue8_PendingStatementsAreReadable(t *testing.T) {
	rec := &recorder{gate: make(chan struct{})}
	q := open(t, t.TempDir(), rec, nil, Options{})
	target := stmt(uuid.New(), "target")
	v := voiding(uuid.New(), target.ID)
	if err := q.Publish(context.Background(), []*envelope.Envelope{target, v}); err != nil {
		t.Fatal(err)
	}
	raw, stored, authority, ok := q.Statement("t", target.ID)
	if !ok || string(raw) != string(target.Statement) || !stored.Equal(t0) || authority != "account:http://lrs|k" {
		t.Fatalf("PendingStatement = %s %v %q %v", raw, stored, authority, ok)
	}
	if _, _, _, ok := q.Statement("other-tenant", target.ID); ok {
		t.Fatal("a pending statement is visible to another tenant")
	}
	if voided, _ := q.Voided("t", target.ID); !voided {
		t.Fatal("the target of a pending voiding statement is not voided")
	}
	if voided, _ := q.Voided("t", v.ID); voided {
		t.Fatal("the voiding statement itself is voided")
	}
	if oldest, ok := q.OldestPending(); !ok || !oldest.Equal(t0) {
		t.Fatalf("OldestPending = %v %v", oldest, ok)
	}
	got, err := Voiding{Queue: q, Store: noVoids{}}.VoidingStatements(context.Background(), "t", []uuid.UUID{v.ID, target.ID})
	if err != nil || !got[v.ID] || got[target.ID] {
		t.Fatalf("VoidingStatements = %v, %v", got, err)
	}
	close(rec.gate)
	closeAll(t, q)
	if _, ok := q.OldestPending(); ok {
		t.Fatal("OldestPending once everything is stored")
	}
}

type noVoids struct{}

func (noVoids) VoidingStatements(context.Context, string, []uuid.UUID) (map[uuid.UUID]bool, error) {
	return map[uuid.UUID]bool{}, nil
}

// fakeSnapshot is a store of known ids and voided statements.
type fakeSnapshot struct {
	ids    []store.StatementKey
	voided []store.StatementKey
	loaded chan struct{}
}

func (f *fakeSnapshot) VoidedTargets(_ context.Context, fn func(store.StatementKey)) error {
	for _, k := range f.voided {
		fn(k)
	}
	return nil
}

func (f *fakeSnapshot) StatementCount(context.Context) (uint64, error) {
	return uint64(len(f.ids)), nil
}

func (f *fakeSnapshot) StatementIDs(_ context.Context, fn func(store.StatementKey)) error {
	for _, k := range f.ids {
		fn(k)
	}
	close(f.loaded)
	return nil
}

// Issue 8 (the 409 check at full speed): once the stored ids are loaded, a
// client-chosen id the process never saw is not looked up in the store; one
// that is stored still is, and still conflicts. The voided set answers
// statementId reads authoritatively, and a statement just stored is served
// from memory.
func TestIssue8_KnownIdsSpareTheStoreLookups(t *testing.T) {
	storedID := uuid.New()
	voidedID := uuid.New()
	snap := &fakeSnapshot{ids: []store.StatementKey{{Tenant: "t", ID: storedID}},
		voided: []store.StatementKey{{Tenant: "t", ID: voidedID}}, loaded: make(chan struct{})}
	lookup := &fakeLookup{hashes: map[store.StatementKey]string{{Tenant: "t", ID: storedID}: "hash-stored"}}
	rec := &recorder{}
	q := openWith(t, t.TempDir(), rec, lookup, snap, Options{BatchAge: time.Millisecond})
	<-snap.loaded
	eventually(t, "the ids are loaded", func() bool { return !q.known.mayBeStored(store.StatementKey{Tenant: "t", ID: uuid.New()}) })
	ctx := context.Background()
	fresh := newStmts(20)
	if err := q.Publish(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if lookup.asked > 1 { // a false positive of the filter is allowed, rarely
		t.Fatalf("the store was asked about %d new ids", lookup.asked)
	}
	if err := q.Publish(ctx, []*envelope.Envelope{stmt(storedID, "other")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stored id with other content: %v, want ErrConflict", err)
	}
	if voided, authoritative := q.Voided("t", voidedID); !voided || !authoritative {
		t.Fatalf("Voided(stored target) = %v, %v", voided, authoritative)
	}
	if voided, authoritative := q.Voided("t", fresh[0].ID); voided || !authoritative {
		t.Fatalf("Voided(fresh) = %v, %v", voided, authoritative)
	}
	eventually(t, "the fresh statements stored", func() bool { _, pending := q.pend.entry(key(fresh[0])); return !pending })
	raw, stored, _, ok := q.Statement("t", fresh[0].ID)
	if !ok || string(raw) != string(fresh[0].Statement) || !stored.Equal(t0) {
		t.Fatalf("a statement just stored is not at hand: %v", ok)
	}
	closeAll(t, q)
}
