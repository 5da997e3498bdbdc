package server

import (
	"sync"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// recentIDs remembers the content hash of the last n statements this instance
// published, so a client retrying a request it just made gets the right
// answer (no change, or 409) before the processor has stored the first copy.
type recentIDs struct {
	mu    sync.Mutex
	hash  map[store.StatementKey]string
	ring  []store.StatementKey
	next  int
	limit int
}

func newRecentIDs(limit int) *recentIDs {
	return &recentIDs{hash: make(map[store.StatementKey]string), limit: limit}
}

func (c *recentIDs) get(k store.StatementKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.hash[k]
	return h, ok
}

func (c *recentIDs) add(k store.StatementKey, h string) {
	if c.limit <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.hash[k]; ok {
		return
	}
	if len(c.ring) < c.limit {
		c.ring = append(c.ring, k)
	} else {
		delete(c.hash, c.ring[c.next])
		c.ring[c.next] = k
		c.next = (c.next + 1) % c.limit
	}
	c.hash[k] = h
}
