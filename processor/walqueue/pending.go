package walqueue

import (
	"bytes"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// entry is one statement in the log, not stored yet. Its envelope holds no
// statement bytes: they are read back from the log when needed (load), so a
// backlog costs memory per statement, not per byte.
type entry struct {
	index uint64
	env   *envelope.Envelope // without Statement
	size  int                // bytes of its log record
	at    time.Time          // when it was appended
	// voids is the key of the statement it voids, zero when it voids none.
	voids store.StatementKey
	// checked: its id was checked against the pending and stored statements
	// before it was acknowledged, in this run (not replayed from the log).
	checked bool
}

// pending holds, in log order, the statements acknowledged but not stored:
// the drainer takes them from the front; the conflict check and the reads
// find them by key. It also remembers the keys and content hashes of the
// statements stored in the last while (recent), so that a request checked
// against the store before they were stored is still refused if it
// conflicts with them. Safe for concurrent use.
type pending struct {
	mu      sync.RWMutex
	order   []*entry // log order; order[:taken] are being inserted
	taken   int
	byKey   map[store.StatementKey]*entry
	voided  map[store.StatementKey]int // voiding statements pending per target
	stored  map[int64]int              // stored ms → statements pending
	bytes   int
	recent  map[store.StatementKey]string
	expires []recentBatch
	keep    time.Duration
	// changed is closed (and replaced) whenever entries are released or an
	// insert failed: what a write waiting for room waits for.
	changed chan struct{}
}

type recentBatch struct {
	at   time.Time
	keys []store.StatementKey
}

func newPending(keep time.Duration) *pending {
	return &pending{byKey: map[store.StatementKey]*entry{}, voided: map[store.StatementKey]int{},
		stored: map[int64]int{}, recent: map[store.StatementKey]string{}, keep: keep, changed: make(chan struct{})}
}

// newEntry is the entry of env, written at index in a record of size bytes.
func newEntry(index uint64, env *envelope.Envelope, size int, at time.Time) *entry {
	e := &entry{index: index, size: size, at: at}
	if t, ok := voidTarget(env); ok {
		e.voids = t
	}
	light := *env
	light.Statement = nil
	e.env = &light
	return e
}

// voidTarget returns the statement env voids, when it is a voiding
// statement with a StatementRef object.
func voidTarget(env *envelope.Envelope) (store.StatementKey, bool) {
	// A voiding statement's object is a StatementRef: skip the decoding of
	// every statement that does not say so anywhere.
	if !bytes.Contains(env.Statement, []byte("StatementRef")) {
		return store.StatementKey{}, false
	}
	st, err := xapi.DecodeStatement(env.Statement)
	if err != nil {
		return store.StatementKey{}, false
	}
	verb, _ := st["verb"].(map[string]any)
	if id, _ := verb["id"].(string); id != xapi.VerbVoided {
		return store.StatementKey{}, false
	}
	obj, _ := st["object"].(map[string]any)
	if t, _ := obj["objectType"].(string); t != "StatementRef" {
		return store.StatementKey{}, false
	}
	s, _ := obj["id"].(string)
	id, err := uuid.Parse(s)
	if err != nil {
		return store.StatementKey{}, false
	}
	return store.StatementKey{Tenant: env.Tenant, ID: id}, true
}

// add appends entries (in log order).
func (p *pending) add(entries []*entry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range entries {
		p.order = append(p.order, e)
		p.byKey[key(e.env)] = e
		if e.voids.ID != uuid.Nil {
			p.voided[e.voids]++
		}
		p.stored[e.env.Stored.UnixMilli()]++
		p.bytes += e.size
	}
}

func key(env *envelope.Envelope) store.StatementKey {
	return store.StatementKey{Tenant: env.Tenant, ID: env.ID}
}

// take marks up to maxRows entries (at least one when any is waiting) after
// those already taken, bounded by maxBytes, as being inserted and returns
// them.
func (p *pending) take(maxRows, maxBytes int) []*entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	end, size := p.taken, 0
	for end < len(p.order) && end-p.taken < maxRows {
		if end > p.taken && size+p.order[end].size > maxBytes {
			break
		}
		size += p.order[end].size
		end++
	}
	out := append([]*entry(nil), p.order[p.taken:end]...)
	p.taken = end
	return out
}

// waiting returns how many entries are not taken, and the oldest one.
func (p *pending) waiting() (n int, bytes int, first *entry) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	n = len(p.order) - p.taken
	if n > 0 {
		first = p.order[p.taken]
	}
	return n, p.bytes, first
}

// release drops the n taken entries at the front once they are stored,
// remembering their keys for the keep duration.
func (p *pending) release(n int, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	done := p.order[:n]
	keys := make([]store.StatementKey, 0, n)
	for _, e := range done {
		k := key(e.env)
		if p.byKey[k] == e {
			delete(p.byKey, k)
		}
		if e.voids.ID != uuid.Nil {
			if p.voided[e.voids]--; p.voided[e.voids] <= 0 {
				delete(p.voided, e.voids)
			}
		}
		ms := e.env.Stored.UnixMilli()
		if p.stored[ms]--; p.stored[ms] <= 0 {
			delete(p.stored, ms)
		}
		p.bytes -= e.size
		if e.env.IDSupplied {
			p.recent[k] = e.env.ContentHash
			keys = append(keys, k)
		}
	}
	clear(done)
	p.order = p.order[n:]
	p.taken -= n
	p.signalLocked()
	if len(keys) > 0 {
		p.expires = append(p.expires, recentBatch{at: now, keys: keys})
	}
	for len(p.expires) > 0 && now.Sub(p.expires[0].at) > p.keep {
		for _, k := range p.expires[0].keys {
			delete(p.recent, k)
		}
		p.expires = p.expires[1:]
	}
}

// room reports whether fewer than max bytes are pending; when not, the
// channel is closed at the next release or failed insert.
func (p *pending) room(max int) (bool, <-chan struct{}) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.bytes < max, p.changed
}

// signal wakes the writes waiting for room (an insert failed).
func (p *pending) signal() {
	p.mu.Lock()
	p.signalLocked()
	p.mu.Unlock()
}

func (p *pending) signalLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// untake returns the taken entries to the front (an insert that will be
// tried again with the same entries).
func (p *pending) untake() {
	p.mu.Lock()
	p.taken = 0
	p.mu.Unlock()
}

// hash returns the content hash of a statement pending or stored in the
// last while under k.
func (p *pending) hash(k store.StatementKey) (string, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if e, ok := p.byKey[k]; ok {
		return e.env.ContentHash, true
	}
	h, ok := p.recent[k]
	return h, ok
}

// get returns the pending statement under k.
func (p *pending) get(k store.StatementKey) (*envelope.Envelope, bool) {
	e, ok := p.entry(k)
	if !ok {
		return nil, false
	}
	return e.env, true
}

// entry returns the pending entry under k.
func (p *pending) entry(k store.StatementKey) (*entry, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	e, ok := p.byKey[k]
	return e, ok
}

// isVoided reports whether a pending voiding statement targets k.
func (p *pending) isVoided(k store.StatementKey) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.voided[k] > 0
}

// oldest returns the earliest stored time pending.
func (p *pending) oldest() (time.Time, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	first := true
	var low int64
	for ms := range p.stored {
		if first || ms < low {
			low, first = ms, false
		}
	}
	if first {
		return time.Time{}, false
	}
	return time.UnixMilli(low).UTC(), true
}
