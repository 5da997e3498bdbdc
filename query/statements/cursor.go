package statements

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Cursor is one page of a list: the filter, the upper bound on stored fixed at
// the first page (the consistency watermark, or until when earlier), and the
// last (stored, id) already returned. Keyset pagination over the fixed bound
// gives no duplicates and no gaps while new statements arrive: anything
// stored later lies above the bound.
//
// The tenant is never part of a cursor: it always comes from the caller's
// credentials, so a token replayed by another tenant reads only that tenant.
type Cursor struct {
	Filter Filter
	// Bound is inclusive: only statements stored at or before it are listed.
	Bound time.Time
	// After is the last position returned, nil on the first page.
	After *Position
}

// Position is a statement's place in the (stored, id) order.
type Position struct {
	Stored time.Time
	ID     uuid.UUID
}

// NewCursor starts a list at the watermark w, or at until when it is earlier.
func NewCursor(f Filter, w time.Time) Cursor {
	b := w.UTC().Truncate(time.Millisecond)
	if f.Until != nil && f.Until.Before(b) {
		b = *f.Until
	}
	return Cursor{Filter: f, Bound: b}
}

// Next is the cursor of the page after the one that ended at last.
func (c Cursor) Next(last Position) Cursor {
	c.After = &last
	return c
}

// token is the wire form, short keys to keep the more IRL short.
type token struct {
	V   int    `json:"v"`
	Ag  string `json:"ag,omitempty"`
	RAg bool   `json:"rag,omitempty"`
	Vb  string `json:"vb,omitempty"`
	Ac  string `json:"ac,omitempty"`
	RAc bool   `json:"rac,omitempty"`
	Rg  string `json:"rg,omitempty"`
	Si  *int64 `json:"si,omitempty"`
	Un  *int64 `json:"un,omitempty"`
	L   int    `json:"l"`
	Asc bool   `json:"asc,omitempty"`
	F   string `json:"f,omitempty"`
	At  bool   `json:"at,omitempty"`
	B   int64  `json:"b"`
	AS  *int64 `json:"as,omitempty"`
	AI  string `json:"ai,omitempty"`
}

const tokenVersion = 1

// MinCursorKeyBytes is the shortest key Cursors takes: an HMAC-SHA256 key
// as long as the hash.
const MinCursorKeyBytes = sha256.Size

// Cursors turns cursors into `more` tokens and back. A token is the cursor's
// JSON behind its HMAC-SHA256 under the installation's key, so the client
// can neither forge one nor edit one (its filter, page size, position, or the
// Consistent-Through bound it was issued under): anything not made by
// Encode under one of the keys is refused.
type Cursors struct {
	keys [][]byte
}

// NewCursors signs with keys[0] and accepts a token signed with any of keys
// (several only when installations' key generations raced; see
// store.CursorKeys). Every key must have at least MinCursorKeyBytes bytes.
func NewCursors(keys [][]byte) (*Cursors, error) {
	if len(keys) == 0 {
		return nil, errors.New("cursors: a key is required")
	}
	for _, k := range keys {
		if len(k) < MinCursorKeyBytes {
			return nil, fmt.Errorf("cursors: a key must have at least %d bytes", MinCursorKeyBytes)
		}
	}
	return &Cursors{keys: keys}, nil
}

// macContext separates the MAC of a more token from any other use of the key.
const macContext = "tributary more cursor\x00"

func mac(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(macContext))
	m.Write(payload)
	return m.Sum(nil)
}

// Encode returns the opaque, URL-safe, signed token of c.
func (cs *Cursors) Encode(c Cursor) string {
	f := c.Filter
	t := token{V: tokenVersion, Ag: f.Agent, RAg: f.RelatedAgents, Vb: f.Verb, Ac: f.Activity,
		RAc: f.RelatedActivities, Rg: f.Registration, Si: millis(f.Since), Un: millis(f.Until),
		L: f.Limit, Asc: f.Ascending, At: f.Attachments, B: c.Bound.UnixMilli()}
	if f.Format != FormatExact {
		t.F = f.Format
	}
	if c.After != nil {
		t.AS = millis(&c.After.Stored)
		t.AI = c.After.ID.String()
	}
	payload, _ := json.Marshal(t) // cannot fail: plain fields
	return base64.RawURLEncoding.EncodeToString(append(mac(cs.keys[0], payload), payload...))
}

// Decode reads a token made by Encode. Anything else (a signature that does
// not verify under any key, a token edited after it was signed, or one whose
// page size exceeds lim.Max) is an error wrapping ErrBadRequest.
func (cs *Cursors) Decode(s string, lim Limits) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) <= sha256.Size {
		return Cursor{}, badf("invalid more token")
	}
	sum, payload := raw[:sha256.Size], raw[sha256.Size:]
	signed := false
	for _, k := range cs.keys {
		if hmac.Equal(sum, mac(k, payload)) { // constant time
			signed = true
		}
	}
	if !signed {
		return Cursor{}, badf("invalid more token: not issued by this LRS, or altered")
	}
	return decodeToken(payload, lim)
}

// decodeToken reads the JSON of a verified token.
func decodeToken(payload []byte, lim Limits) (Cursor, error) {
	var t token
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil || dec.More() || t.V != tokenVersion {
		return Cursor{}, badf("invalid more token")
	}
	f := Filter{Agent: t.Ag, RelatedAgents: t.RAg, Verb: t.Vb, Activity: t.Ac, RelatedActivities: t.RAc,
		Since: fromMillis(t.Si), Until: fromMillis(t.Un), Limit: t.L, Ascending: t.Asc,
		Format: t.F, Attachments: t.At}
	if f.Format == "" {
		f.Format = FormatExact
	}
	if _, err := parseFormat(f.Format, true); err != nil {
		return Cursor{}, badf("invalid more token")
	}
	if f.Limit < 1 {
		return Cursor{}, badf("invalid more token")
	}
	if f.Limit > lim.Max {
		f.Limit = lim.Max
	}
	if t.Rg != "" {
		id, err := parseUUID("registration", t.Rg)
		if err != nil {
			return Cursor{}, badf("invalid more token")
		}
		f.Registration = id.String()
	}
	c := Cursor{Filter: f, Bound: time.UnixMilli(t.B).UTC()}
	if (t.AS == nil) != (t.AI == "") {
		return Cursor{}, badf("invalid more token")
	}
	if t.AS != nil {
		id, err := uuid.Parse(t.AI)
		if err != nil {
			return Cursor{}, badf("invalid more token")
		}
		c.After = &Position{Stored: time.UnixMilli(*t.AS).UTC(), ID: id}
	}
	return c, nil
}

func millis(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}

func fromMillis(ms *int64) *time.Time {
	if ms == nil {
		return nil
	}
	t := time.UnixMilli(*ms).UTC()
	return &t
}
