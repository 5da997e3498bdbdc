package loadgen

import (
	"math/rand/v2"
	"slices"
	"sync"
)

// idSample keeps a uniform sample (reservoir) of the acknowledged statement
// ids of a run, for statementId GETs. Safe for concurrent use.
type idSample struct {
	mu   sync.Mutex
	ids  []string
	seen int
	rnd  *rand.Rand
}

func newIDSample(capacity int) *idSample {
	return &idSample{ids: make([]string, 0, capacity), rnd: rand.New(rand.NewPCG(1, 2))}
}

// add offers one acknowledged id.
func (s *idSample) add(id []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen++
	if len(s.ids) < cap(s.ids) {
		s.ids = append(s.ids, string(id))
		return
	}
	if k := s.rnd.IntN(s.seen); k < len(s.ids) {
		s.ids[k] = string(id)
	}
}

// pick returns a sampled id ("" while there is none).
func (s *idSample) pick() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ids) == 0 {
		return ""
	}
	return s.ids[s.rnd.IntN(len(s.ids))]
}

func (s *idSample) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ids)
}
