package sink

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// errFacts marks facts that do not decode: a bug of the producer.
var errFacts = errors.New("malformed statement facts")

// RowFromFacts builds the row of an envelope carrying Facts: Row without
// decoding the statement.
func RowFromFacts(env *envelope.Envelope) (store.StatementRow, error) {
	// Every string of the row is a substring of one of these two copies, or
	// one of the few made of pieces.
	r := factsReader{s: string(env.Facts), raw: string(env.Statement), seen: make([]string, 0, 32)}
	if r.byte() != factsFormat {
		return store.StatementRow{}, fmt.Errorf("%w: unknown format", errFacts)
	}
	row := store.StatementRow{Tenant: env.Tenant, ID: env.ID, Stored: env.Stored, Authority: string(env.Authority),
		ContentHash: env.ContentHash, Raw: env.Statement}
	row.Version, row.Verb, row.ObjectType, row.ObjectID, row.AuthorityKey = r.str(), r.str(), r.str(), r.str(), r.str()
	row.Registration, row.Voids = r.uuid(), r.uuid()
	if row.Timestamp = r.time(); row.Timestamp.IsZero() {
		row.Timestamp = env.Stored
	}
	row.Agents, row.RelatedAgents, row.RelatedActivities = r.strs(), r.strs(), r.strs()
	if n := r.count(); n > 0 {
		row.DefinitionParts = make([]store.DefinitionPart, n)
		for i := range row.DefinitionParts {
			row.DefinitionParts[i] = store.DefinitionPart{ActivityID: r.str(), Field: r.str(), Key: r.str(), Value: r.str()}
		}
	}
	if n := r.count(); n > 0 {
		row.AgentNames = make([]AgentName, n)
		for i := range row.AgentNames {
			row.AgentNames[i] = AgentName{Key: r.str(), Name: r.str()}
		}
	}
	if r.err != nil || r.pos != len(r.s) {
		return store.StatementRow{}, fmt.Errorf("%w: statement %s", errFacts, env.ID)
	}
	return row, nil
}

// factsReader reads what factsWriter wrote; a problem sets err and reads
// zero values from then on.
type factsReader struct {
	s    string
	raw  string // the statement's bytes
	pos  int
	seen []string
	err  error
}

func (r *factsReader) fail() {
	if r.err == nil {
		r.err, r.pos = errFacts, len(r.s)
	}
}

func (r *factsReader) byte() byte {
	if r.pos >= len(r.s) {
		r.fail()
		return 0
	}
	r.pos++
	return r.s[r.pos-1]
}

func (r *factsReader) uvarint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64 && r.pos < len(r.s); shift += 7 {
		c := r.s[r.pos]
		r.pos++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.fail()
	return 0
}

func (r *factsReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.s)) { // every element takes a byte at least
		r.fail()
		return 0
	}
	return int(n)
}

func (r *factsReader) str() string {
	h := r.uvarint()
	kind, n := h&3, h>>2
	var s string
	switch kind {
	case factsRef:
		if n >= uint64(len(r.seen)) {
			r.fail()
			return ""
		}
		return r.seen[n]
	case factsPieces:
		if n > 4 {
			r.fail()
			return ""
		}
		var b strings.Builder
		for range n {
			b.WriteString(r.piece())
		}
		s = b.String()
	default:
		s = r.piece1(kind, n)
	}
	r.seen = append(r.seen, s)
	return s
}

// piece reads one piece of a factsPieces string.
func (r *factsReader) piece() string {
	h := r.uvarint()
	kind, n := h&3, h>>2
	if kind == factsRef {
		if n >= uint64(len(factsDictionary)) {
			r.fail()
			return ""
		}
		return factsDictionary[n]
	}
	return r.piece1(kind, n)
}

// piece1 reads the rest of a factsLiteral of n bytes or a factsSlice at n.
func (r *factsReader) piece1(kind, n uint64) string {
	switch kind {
	case factsLiteral:
		if n > uint64(len(r.s)-r.pos) {
			r.fail()
			return ""
		}
		s := r.s[r.pos : r.pos+int(n)]
		r.pos += int(n)
		return s
	case factsSlice:
		m := r.uvarint()
		if n > uint64(len(r.raw)) || m > uint64(len(r.raw))-n {
			r.fail()
			return ""
		}
		return r.raw[n : n+m]
	}
	r.fail()
	return ""
}

func (r *factsReader) strs() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func (r *factsReader) uuid() uuid.UUID {
	var id uuid.UUID
	if r.byte() == 0 {
		return id
	}
	if len(r.s)-r.pos < len(id) {
		r.fail()
		return id
	}
	copy(id[:], r.s[r.pos:])
	r.pos += len(id)
	return id
}

func (r *factsReader) time() time.Time {
	if r.byte() == 0 {
		return time.Time{}
	}
	u := r.uvarint() // zig-zag, as binary.AppendVarint writes it
	sec := int64(u >> 1)
	if u&1 != 0 {
		sec = ^sec
	}
	return time.Unix(sec, int64(r.uvarint())).UTC()
}

// row builds the row of env: from its facts when the producer handed them
// over, else (and should they not decode: a bug, which must not cost the
// statement) by decoding the statement (Row).
func row(env *envelope.Envelope) (store.StatementRow, error) {
	if env.Facts != nil {
		if r, err := RowFromFacts(env); err == nil {
			return r, nil
		}
	}
	return Row(env)
}
