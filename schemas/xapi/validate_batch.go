package xapi

import (
	"strconv"
	"strings"
)

// BatchValidator validates the statements of one request as they are
// decoded, one at a time, so that none has to be kept for the check: with
// the paths and rules of ValidateBatch for an array (batch), of Validate for
// a single statement.
type BatchValidator struct {
	val   validator
	batch bool
	n     int
	seen  map[string]int // statement id → index of its first use
}

// NewBatchValidator returns a validator for the statements of one request.
func NewBatchValidator(v Version, batch bool) *BatchValidator {
	return &BatchValidator{val: validator{ver: v}, batch: batch}
}

// Add validates the next statement. It reports whether every statement
// added so far is valid.
func (b *BatchValidator) Add(s Statement) bool {
	root := rootPath()
	p := root
	if b.batch {
		p = root.i(b.n)
	}
	i := b.n
	b.n++
	b.val.statement(s, &p, false)
	if id, ok := s["id"].(string); b.batch && ok && isUUID(id) {
		if b.seen == nil {
			b.seen = map[string]int{}
		}
		id = strings.ToLower(id)
		if first, dup := b.seen[id]; dup {
			pid := p.k("id")
			b.val.add(&pid, ruleBatchIDs, "statement id "+id+" is also used by statement "+strconv.Itoa(first)+" of this batch")
		} else {
			b.seen[id] = i
		}
	}
	return len(b.val.problems) == 0
}

// Err returns a *ValidationError listing every problem found, or nil.
func (b *BatchValidator) Err() error { return b.val.err() }
