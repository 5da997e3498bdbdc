package walqueue

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/bits-and-blooms/bloom/v3"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Snapshot reads what the store holds, once, when the queue opens.
type Snapshot interface {
	// VoidedTargets calls fn with every statement a stored voiding
	// statement targets.
	VoidedTargets(ctx context.Context, fn func(store.StatementKey)) error
	// StatementCount returns about how many statements are stored.
	StatementCount(ctx context.Context) (uint64, error)
	// StatementIDs calls fn with the key of every stored statement.
	StatementIDs(ctx context.Context, fn func(store.StatementKey)) error
}

// known is what the all-in-one process knows about the stored statements
// without asking the store, because every statement is stored through it:
//
//   - a Bloom filter of every stored id: the conflict check asks the store
//     about a client-chosen id only when the filter says it may be stored;
//   - the set of statements a stored voiding statement targets, so a
//     statementId read needs no query to know whether it is voided;
//   - the most recently stored (or read) statements, so most statementId
//     reads need no query at all.
//
// The filter and the set are loaded from the store in the background when
// the queue opens; until then they answer "don't know" and the store is
// asked.
type known struct {
	mu       sync.RWMutex
	ids      *bloom.BloomFilter // nil until loaded
	capacity uint               // ids the filter is sized for
	count    uint               // ids in it
	loading  bool
	journal  []store.StatementKey // ids added while a filter is being loaded

	voided      map[store.StatementKey]struct{}
	voidedReady bool

	recent *lru.Cache[store.StatementKey, cached]
}

// cached is a stored statement: its bytes, stored time and authority.
type cached struct {
	raw       []byte
	stored    time.Time
	authority json.RawMessage
}

// falsePositives is the Bloom filter's target rate: the share of new
// client-chosen ids for which the store is asked anyway.
const falsePositives = 0.001

// minCapacity is the smallest filter: 4 M ids, 7 MiB.
const minCapacity = 4 << 20

// recentStatements is how many statements the read cache holds (~1.2 KB
// each).
const recentStatements = 25000

func newKnown() *known {
	c, _ := lru.New[store.StatementKey, cached](recentStatements) // fails only for a size < 1
	return &known{voided: map[store.StatementKey]struct{}{}, recent: c, loading: true}
}

// load reads the voided set and the stored ids from snap.
func (k *known) load(ctx context.Context, snap Snapshot) error {
	voided := map[store.StatementKey]struct{}{}
	if err := snap.VoidedTargets(ctx, func(key store.StatementKey) { voided[key] = struct{}{} }); err != nil {
		return err
	}
	k.mu.Lock()
	for key := range k.voided { // voided by inserts meanwhile
		voided[key] = struct{}{}
	}
	k.voided, k.voidedReady = voided, true
	k.mu.Unlock()
	return k.loadIDs(ctx, snap)
}

// loadIDs builds a filter of the stored ids, sized for twice as many (at
// least minCapacity), then adds the ids written meanwhile and installs it.
func (k *known) loadIDs(ctx context.Context, snap Snapshot) error {
	k.mu.Lock()
	k.loading, k.journal = true, nil
	k.mu.Unlock()
	n, err := snap.StatementCount(ctx)
	if err == nil {
		capacity := max(2*uint(n), minCapacity)
		f := bloom.NewWithEstimates(capacity, falsePositives)
		if err = snap.StatementIDs(ctx, func(key store.StatementKey) { f.Add(idBytes(key)) }); err == nil {
			k.mu.Lock()
			for _, key := range k.journal {
				f.Add(idBytes(key))
			}
			k.ids, k.capacity, k.count = f, capacity, uint(n)+uint(len(k.journal))
			k.mu.Unlock()
		}
	}
	k.mu.Lock()
	k.loading, k.journal = false, nil
	k.mu.Unlock()
	return err
}

func idBytes(key store.StatementKey) []byte {
	b := make([]byte, 0, len(key.Tenant)+17)
	b = append(b, key.Tenant...)
	b = append(b, 0)
	return append(b, key.ID[:]...)
}

// mayBeStored reports whether the store may hold key: false only when the
// filter is loaded and has never seen it.
func (k *known) mayBeStored(key store.StatementKey) bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.ids == nil || k.ids.Test(idBytes(key))
}

// add records ids written to the log. It reports whether the filter now
// holds more ids than it was sized for: time to load a bigger one.
func (k *known) add(keys []store.StatementKey) (full bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.loading {
		k.journal = append(k.journal, keys...)
	}
	if k.ids == nil {
		return false
	}
	for _, key := range keys {
		k.ids.Add(idBytes(key))
	}
	k.count += uint(len(keys))
	return !k.loading && k.count > k.capacity
}

// stored records the statements of a batch once its insert returned: the
// voided set and the read cache.
func (k *known) stored(entries []*entry, raws [][]byte) {
	k.mu.Lock()
	for _, e := range entries {
		if e.voids.Tenant != "" {
			k.voided[e.voids] = struct{}{}
		}
	}
	k.mu.Unlock()
	for i, e := range entries {
		k.recent.Add(key(e.env), cached{raw: raws[i], stored: e.env.Stored, authority: e.env.Authority})
	}
}

// isVoided reports whether a stored voiding statement targets key, and
// whether that answer is authoritative (the set is loaded).
func (k *known) isVoided(key store.StatementKey) (voided, authoritative bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	_, voided = k.voided[key]
	return voided, k.voidedReady
}

// authorityKey is the IFI key of a statement's authority object.
func authorityKey(authority json.RawMessage) string {
	var a map[string]any
	if json.Unmarshal(authority, &a) != nil {
		return ""
	}
	k, _ := xapi.AgentKey(a)
	return k
}
