package loadgen

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync/atomic"

	"github.com/tributary-lrs/tributary/internal/gen"
)

// idPlaceholder stands for a statement id in a pre-generated body; every
// request overwrites it with a fresh id, so no statement id repeats.
const idPlaceholder = "00000000-0000-4000-8000-000000000000"

// Population is the population generated statements are drawn from; GET
// probes draw filter values from the same one.
func Population(seed uint64) gen.Options {
	o := gen.DefaultOptions()
	o.Seed = seed
	o.Instructors = 200 // so related_agents matches more than the actor
	return o
}

// body is one pre-generated request body of n statements. idAt holds the
// offsets of its statements' ids (empty: the statements carry no id and the
// LRS assigns them).
type body struct {
	raw  []byte
	idAt []int
	n    int
}

// Bodies are the request bodies of a run, generated (and marshalled) before
// the timed part so that sending costs the client no JSON encoding. Bodies
// alternate between statements with client-chosen ids and statements without,
// like real sources; a body is reused as the run cycles through the pool, with
// fresh ids spliced in. Safe for concurrent use.
type Bodies struct {
	list []body
	next atomic.Uint64
	ids  *IDs
}

// NewBodies generates about poolStatements statements (at least two bodies)
// into bodies of batch statements each, deterministic for seed except for
// the ids. A batch of 1 is sent as a single statement object, otherwise as
// an array.
func NewBodies(seed uint64, batch, poolStatements int) (*Bodies, error) {
	if batch < 1 {
		return nil, fmt.Errorf("batch %d: want at least 1 statement per request", batch)
	}
	g := gen.New(Population(seed))
	n := max(2, (poolStatements+batch-1)/batch)
	b := &Bodies{list: make([]body, n), ids: NewIDs()}
	for i := range b.list {
		withIDs := i%2 == 0
		stmts := make([]map[string]any, batch)
		for j := range stmts {
			stmts[j] = g.Next()
			if withIDs {
				stmts[j]["id"] = idPlaceholder
			} else {
				delete(stmts[j], "id")
			}
		}
		var v any = stmts
		if batch == 1 {
			v = stmts[0]
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("marshal generated statements: %w", err)
		}
		bd := body{raw: raw, n: batch}
		if withIDs {
			for off := 0; ; {
				k := bytes.Index(raw[off:], []byte(idPlaceholder))
				if k < 0 {
					break
				}
				bd.idAt = append(bd.idAt, off+k)
				off += k + len(idPlaceholder)
			}
			if len(bd.idAt) != batch {
				return nil, fmt.Errorf("generated body holds %d id placeholders, want %d", len(bd.idAt), batch)
			}
		}
		b.list[i] = bd
	}
	return b, nil
}

// Next returns the next request body, written into buf (reused when large
// enough), and how many statements it holds. firstID is the id of its first
// statement, nil when the LRS assigns the ids.
func (b *Bodies) Next(buf []byte) (raw []byte, n int, firstID []byte) {
	bd := &b.list[(b.next.Add(1)-1)%uint64(len(b.list))]
	if len(bd.idAt) == 0 {
		return bd.raw, bd.n, nil
	}
	buf = append(buf[:0], bd.raw...)
	for _, at := range bd.idAt {
		b.ids.put(buf[at : at+len(idPlaceholder)])
	}
	return buf, bd.n, buf[bd.idAt[0] : bd.idAt[0]+len(idPlaceholder)]
}

// AverageStatementBytes is the mean size of a generated statement as sent.
func (b *Bodies) AverageStatementBytes() int {
	total, n := 0, 0
	for _, bd := range b.list {
		total += len(bd.raw)
		n += bd.n
	}
	return total / max(n, 1)
}

// IDs hands out statement ids that never repeat: a random 64-bit prefix per
// IDs and a counter, laid out as a version-4 UUID. Safe for concurrent use.
type IDs struct {
	prefix [8]byte
	n      atomic.Uint64
}

// NewIDs returns a source of fresh ids.
func NewIDs() *IDs {
	s := &IDs{}
	_, _ = rand.Read(s.prefix[:]) // crypto/rand.Read never fails on Linux
	return s
}

// put writes the next id into dst (36 bytes).
func (s *IDs) put(dst []byte) {
	var u [16]byte
	copy(u[:8], s.prefix[:])
	binary.BigEndian.PutUint64(u[8:], s.n.Add(1))
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	hex.Encode(dst[0:8], u[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], u[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], u[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], u[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:36], u[10:16])
}

// Next returns a fresh id.
func (s *IDs) Next() string {
	b := make([]byte, len(idPlaceholder))
	s.put(b)
	return string(b)
}
