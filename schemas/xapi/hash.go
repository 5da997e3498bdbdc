package xapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// ContentHash returns the hex SHA-256 of a canonical form of s, for the
// same-id comparison of Data 2.3.1 ("Statement Comparison Requirements"):
// equal hashes mean the statements match; a conflict (409) otherwise. Call it
// before Finalize. Differences that the immutability exceptions of 2.3.1
// allow are ignored:
//
//   - id, stored, authority, version (assigned during LRS processing);
//   - attachments (not part of the Statement; a signed statement's JWS
//     payload is the statement before the signature Attachment was added);
//   - Activity Definitions and Verb "display" (not part of the Statement);
//   - timestamp serialization: compared as the UTC instant, to the
//     millisecond (Data 4.5 lets the LRS truncate to ms);
//   - Group member order (an unordered list);
//   - case of case-insensitive values: mbox domain, mbox_sha1sum hex,
//     UUIDs, language tags;
//   - contextActivities given as a single Activity rather than an array,
//     and omitted default objectTypes (Agent for actors, Activity for
//     activities);
//   - number spelling (1.0 vs 1 vs 1e0: the same JSON value);
//   - duration precision beyond 0.01 s (Data 4.6; "shall" in 2.0).
//
// Every other difference, including extension values and Agent names,
// changes the hash.
//
// The canonical form is compact JSON with sorted keys, written straight from
// s without building a canonical copy; its bytes are those of every earlier
// build, so stored hashes stay comparable.
func ContentHash(s Statement) string {
	c := canonPool.Get().(*canonWriter)
	c.b = c.b[:0]
	c.statement(s, false)
	if c.err != nil { // unreachable for decoded JSON; hash what we can
		c.b = append(c.b[:0], c.err.Error()...)
		c.err = nil
	}
	sum := sha256.Sum256(c.b)
	if cap(c.b) <= maxPooledBuf {
		canonPool.Put(c)
	}
	return hex.EncodeToString(sum[:])
}

// canonWriter appends the canonical form of a statement to b.
type canonWriter struct {
	b   []byte
	err error
}

var canonPool = sync.Pool{New: func() any { return &canonWriter{b: make([]byte, 0, 2048)} }}

// absent is the value object passes for the extra key m lacks.
var absent any = new(struct{ _ byte })

// object writes m with its keys sorted, plus extra when it is not "" and m
// lacks it, without the keys skip names; each value is written by value(key,
// v, present).
func (c *canonWriter) object(m map[string]any, skip func(string) bool, extra string, value func(k string, v any, present bool)) {
	var small [16]entry // most objects of a statement: no allocation
	es := small[:0]
	if _, has := m[extra]; extra != "" && !has {
		es = append(es, entry{extra, absent})
	}
	c.b = append(c.b, '{')
	first := true
	for _, e := range sortedEntries(m, es) {
		if skip != nil && skip(e.k) {
			continue
		}
		if !first {
			c.b = append(c.b, ',')
		}
		first = false
		c.b = appendString(c.b, e.k)
		c.b = append(c.b, ':')
		value(e.k, e.v, e.v != absent)
	}
	c.b = append(c.b, '}')
}

func skipLRSAssigned(k string) bool {
	switch k {
	case "id", "stored", "authority", "version", "attachments":
		return true
	}
	return false
}

// statement writes a Statement, or a SubStatement when sub is true.
func (c *canonWriter) statement(s map[string]any, sub bool) {
	var skip func(string) bool
	if !sub {
		skip = skipLRSAssigned
	}
	c.object(s, skip, "", func(k string, v any, _ bool) {
		switch k {
		case "actor":
			c.actor(v)
		case "verb":
			if m, ok := v.(map[string]any); ok {
				c.b = append(c.b, `{"id":`...)
				c.raw(m["id"])
				c.b = append(c.b, '}')
			} else {
				c.value(v)
			}
		case "object":
			c.objectValue(v)
		case "context":
			c.context(v)
		case "result":
			c.result(v)
		case "timestamp":
			c.timestamp(v)
		default:
			c.value(v)
		}
	})
}

// actor writes an Agent or Group with the default objectType "Agent", the
// mbox domain and the mbox_sha1sum in lower case and the members sorted.
func (c *canonWriter) actor(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.value(v)
		return
	}
	c.object(m, nil, "objectType", func(k string, x any, present bool) {
		if !present { // the objectType added
			c.b = append(c.b, `"Agent"`...)
			return
		}
		switch k {
		case "mbox":
			if s, ok := x.(string); ok {
				c.b = appendString(c.b, normalizeMbox(s))
				return
			}
		case "mbox_sha1sum":
			if s, ok := x.(string); ok {
				c.b = appendString(c.b, strings.ToLower(s))
				return
			}
		case "member":
			if arr, ok := x.([]any); ok {
				c.members(arr)
				return
			}
		}
		c.value(x)
	})
}

// members writes Group members ordered by their canonical JSON as
// encoding/json writes it (HTML characters escaped), since member order
// carries no meaning.
func (c *canonWriter) members(arr []any) {
	type member struct {
		key string // the sort key
		at  [2]int // the member's bytes in enc
	}
	start := len(c.b)
	list := make([]member, len(arr))
	for i, e := range arr {
		from := len(c.b)
		c.actor(e)
		list[i].at = [2]int{from - start, len(c.b) - start}
		var esc bytes.Buffer
		json.HTMLEscape(&esc, c.b[from:])
		list[i].key = esc.String()
	}
	enc := append([]byte(nil), c.b[start:]...)
	c.b = c.b[:start]
	slices.SortStableFunc(list, func(a, b member) int { return strings.Compare(a.key, b.key) })
	c.b = append(c.b, '[')
	for i, m := range list {
		if i > 0 {
			c.b = append(c.b, ',')
		}
		c.b = append(c.b, enc[m.at[0]:m.at[1]]...)
	}
	c.b = append(c.b, ']')
}

// objectValue writes a statement's object by its objectType.
func (c *canonWriter) objectValue(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.value(v)
		return
	}
	switch t, has := m["objectType"]; {
	case !has || t == "Activity":
		c.activity(m)
	case t == "Agent" || t == "Group":
		c.actor(m)
	case t == "StatementRef":
		c.statementRef(m)
	case t == "SubStatement":
		c.statement(m, true)
	default:
		c.value(m)
	}
}

// activity keeps only the Activity's identity: its definition is not part
// of the Statement (Data 2.3.1).
func (c *canonWriter) activity(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.value(v)
		return
	}
	c.b = append(c.b, `{"id":`...)
	c.raw(m["id"])
	c.b = append(c.b, `,"objectType":"Activity"}`...)
}

func (c *canonWriter) statementRef(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.value(v)
		return
	}
	c.object(m, nil, "", func(k string, x any, _ bool) {
		if s, ok := x.(string); ok && k == "id" {
			c.b = appendString(c.b, strings.ToLower(s))
			return
		}
		c.value(x)
	})
}

func (c *canonWriter) context(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.value(v)
		return
	}
	c.object(m, nil, "", func(k string, x any, _ bool) {
		switch k {
		case "registration", "language":
			if s, ok := x.(string); ok {
				c.b = appendString(c.b, strings.ToLower(s))
				return
			}
		case "instructor", "team":
			c.actor(x)
			return
		case "statement":
			c.statementRef(x)
			return
		case "contextActivities":
			if ca, ok := x.(map[string]any); ok {
				c.contextActivities(ca)
				return
			}
		case "contextAgents", "contextGroups":
			if arr, ok := x.([]any); ok {
				c.b = append(c.b, '[')
				for i, e := range arr {
					if i > 0 {
						c.b = append(c.b, ',')
					}
					c.contextAgent(e)
				}
				c.b = append(c.b, ']')
				return
			}
		}
		c.value(x)
	})
}

// contextActivities writes every list as an array, a single Activity as an
// array of one.
func (c *canonWriter) contextActivities(ca map[string]any) {
	c.object(ca, nil, "", func(_ string, list any, _ bool) {
		c.b = append(c.b, '[')
		arr, isArr := list.([]any)
		if !isArr {
			c.activity(list)
		}
		for i, a := range arr {
			if i > 0 {
				c.b = append(c.b, ',')
			}
			c.activity(a)
		}
		c.b = append(c.b, ']')
	})
}

func (c *canonWriter) contextAgent(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.value(v)
		return
	}
	c.object(m, nil, "", func(k string, x any, _ bool) {
		if k == "agent" || k == "group" {
			c.actor(x)
		} else {
			c.value(x)
		}
	})
}
