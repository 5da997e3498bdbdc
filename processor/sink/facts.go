package sink

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

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
// about a hundred bytes per pending statement for them. A value Row takes
// from the statement must be carried here too: TestRowFromFactsMatchesRow
// compares the two rows.
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
