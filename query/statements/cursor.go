package statements

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
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

// Encode returns the opaque, URL-safe token of c.
func (c Cursor) Encode() string {
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
	b, _ := json.Marshal(t) // cannot fail: plain fields
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a token made by Encode. Anything else, including a token
// whose page size exceeds lim.Max, is an error wrapping ErrBadRequest.
func DecodeCursor(s string, lim Limits) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || s == "" {
		return Cursor{}, badf("invalid more token")
	}
	var t token
	dec := json.NewDecoder(bytes.NewReader(raw))
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
