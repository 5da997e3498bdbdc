package sink

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Facts returns what Row takes from a statement beyond its envelope (the
// index values, version, authority key, and unless noDefine the definition
// parts and agent names), for envelope.Envelope.Facts: a producer in the
// same process that has the statement decoded (all-in-one ingest, after
// Finalize) hands them over, so the sink does not decode and validate the
// statement again. st must be valid and final, raw its encoding (the bytes
// the envelope carries). The facts are one compact buffer, not the decoded
// tree: a string found in raw is kept as its offset and length there (the
// sink reads raw back from the write-ahead log), so the write-ahead log keeps
// about a hundred bytes per pending statement for them.
func Facts(st xapi.Statement, raw []byte, noDefine bool) []byte {
	f := factsPool.Get().(*factsWriter)
	f.b, f.seen = append(f.b[:0], factsFormat), f.seen[:0]
	f.raw.reset(raw)
	ix := xapi.Extract(st)
	version, _ := st["version"].(string)
	f.str(version)
	f.str(ix.Verb)
	f.str(ix.ObjectType)
	f.str(ix.ObjectID)
	f.str(authorityKey(st))
	f.uuid(ix.Registration)
	f.uuid(ix.Voids)
	f.time(ix.Timestamp)
	f.strs(ix.Agents)
	f.strs(ix.RelatedAgents)
	f.strs(ix.RelatedActivities)
	var parts []store.DefinitionPart
	var names []AgentName
	if !noDefine {
		parts, names = definitionParts(st), AgentNames(st)
	}
	f.b = binary.AppendUvarint(f.b, uint64(len(parts)))
	for _, p := range parts {
		f.str(p.ActivityID)
		f.str(p.Field)
		f.str(p.Key)
		f.str(p.Value)
	}
	f.b = binary.AppendUvarint(f.b, uint64(len(names)))
	for _, n := range names {
		f.str(n.Key)
		f.str(n.Name)
	}
	out := append(make([]byte, 0, len(f.b)), f.b...)
	if cap(f.b) <= 64<<10 {
		clear(f.seen)
		f.raw.reset(nil)
		factsPool.Put(f)
	}
	return out
}

// factsFormat is the first byte of the facts: their layout.
const factsFormat = 1

// factsWriter appends facts. Every string is written as a uvarint header
// whose low two bits say how (factsLiteral, factsRef, factsSlice,
// factsPieces), then what that kind needs.
type factsWriter struct {
	b    []byte
	seen []string   // the strings written so far, for factsRef
	raw  rawStrings // the statement's bytes
}

// Kinds of a string in the facts, by the low two bits of its header (the
// rest of the header is n):
//
//	factsLiteral  n bytes follow
//	factsRef      the n-th string written before (0-based)
//	factsSlice    raw[n : n+m], m a uvarint that follows
//	factsPieces   the concatenation of n pieces, each a literal, a slice or
//	              (header kind factsRef) an entry of factsDictionary
const (
	factsLiteral = iota
	factsRef
	factsSlice
	factsPieces
)

// factsDictionary holds the literal pieces of the strings that are not
// found in raw as they are: agent keys ("mbox:" + an mbox whose domain was
// lower-cased, "account:" + homePage + "|" + name) and the value of a part
// of a language map or extensions ("{" + the entry as raw holds it + "}").
var factsDictionary = [...]string{"{", "}", "mbox:", "mbox_sha1sum:", "openid:", "account:", "|"}

var factsPool = sync.Pool{New: func() any { return &factsWriter{b: make([]byte, 0, 512)} }}

func (f *factsWriter) header(kind int, n int) {
	f.b = binary.AppendUvarint(f.b, uint64(n)<<2|uint64(kind))
}

func (f *factsWriter) str(s string) {
	for i, e := range f.seen {
		if e == s {
			f.header(factsRef, i)
			return
		}
	}
	f.seen = append(f.seen, s)
	if f.slice(s) {
		return
	}
	var pieces [4]string
	n := split(s, &pieces)
	if n == 0 {
		f.header(factsLiteral, len(s))
		f.b = append(f.b, s...)
		return
	}
	f.header(factsPieces, n)
	for _, p := range pieces[:n] {
		if i := slices.Index(factsDictionary[:], p); i >= 0 {
			f.header(factsRef, i)
		} else if !f.slice(p) {
			f.header(factsLiteral, len(p))
			f.b = append(f.b, p...)
		}
	}
}

// slice writes s as a slice of raw when raw holds it.
func (f *factsWriter) slice(s string) bool {
	if len(s) < 4 { // a literal is as short
		return false
	}
	at := f.raw.find(s)
	if at < 0 {
		return false
	}
	f.header(factsSlice, at)
	f.b = binary.AppendUvarint(f.b, uint64(len(s)))
	return true
}

// split cuts s into the pieces of its shape, if it has one of those
// factsDictionary names, and returns how many (0: none).
func split(s string, pieces *[4]string) int {
	if len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}' {
		*pieces = [4]string{"{", s[1 : len(s)-1], "}"}
		return 3
	}
	for _, prefix := range factsDictionary[2:6] {
		rest, ok := strings.CutPrefix(s, prefix)
		switch {
		case !ok:
			continue
		case prefix == "account:":
			if home, name, ok := strings.Cut(rest, "|"); ok {
				*pieces = [4]string{prefix, home, "|", name}
				return 4
			}
		}
		*pieces = [4]string{prefix, rest}
		return 2
	}
	return 0
}

func (f *factsWriter) strs(list []string) {
	f.b = binary.AppendUvarint(f.b, uint64(len(list)))
	for _, s := range list {
		f.str(s)
	}
}

// uuid writes a flag (0: uuid.Nil), then the 16 bytes.
func (f *factsWriter) uuid(id uuid.UUID) {
	if id == uuid.Nil {
		f.b = append(f.b, 0)
		return
	}
	f.b = append(f.b, 1)
	f.b = append(f.b, id[:]...)
}

// time writes a flag (0: the zero time), then Unix seconds and nanoseconds.
func (f *factsWriter) time(t time.Time) {
	if t.IsZero() {
		f.b = append(f.b, 0)
		return
	}
	f.b = append(f.b, 1)
	f.b = binary.AppendVarint(f.b, t.Unix())
	f.b = binary.AppendUvarint(f.b, uint64(t.Nanosecond()))
}

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
