package auth

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
)

var engine *chdb.Engine

func TestMain(m *testing.M) { chdbtest.MainNoLeaks(m, func(e *chdb.Engine) { engine = e }) }

// testHash keeps argon2id cheap in tests.
var testHash = HashParams{Time: 1, Memory: 64, Threads: 1}

// clock is a settable clock.
type clock struct{ t atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.t.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time      { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) Add(d time.Duration) { c.t.Add(int64(d)) }

// newStore migrates a fresh database and returns a Store on it.
func newStore(t testing.TB) *Store {
	t.Helper()
	db := chdbtest.Database(t, engine)
	return &Store{Engine: engine, Database: db, Hash: testHash}
}
