// Package statements turns a GET on the xAPI statement resource into SQL:
// parameter parsing (Communication 2.1.3), the opaque `more` cursor and the
// query plan over the tables of migration 0001. It holds no I/O.
package statements

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// ErrBadRequest marks a request the client must fix (400).
var ErrBadRequest = errors.New("bad request")

func badf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadRequest, fmt.Sprintf(format, args...))
}

// Kind is what a GET asks for.
type Kind int

const (
	// KindList is a filtered list (StatementResult).
	KindList Kind = iota
	// KindSingle is statementId: the statement unless it is voided.
	KindSingle
	// KindVoided is voidedStatementId: the statement only if it is voided.
	KindVoided
	// KindMore continues a list from a `more` token.
	KindMore
)

// Formats of the format parameter.
const (
	FormatExact     = "exact"
	FormatIDs       = "ids"
	FormatCanonical = "canonical"
)

// Filter is a list query: every parameter a `more` token must carry.
type Filter struct {
	// Agent is the canonical IFI key of the agent parameter (see xapi.ParseAgentParam).
	Agent             string
	RelatedAgents     bool
	Verb              string
	Activity          string
	RelatedActivities bool
	// Registration is the canonical (lower-case, hyphenated) UUID, or "".
	Registration string
	// Since is exclusive, Until inclusive; both millisecond precision, nil when absent.
	Since, Until *time.Time
	// Limit is the effective page size, 1..max.
	Limit       int
	Ascending   bool
	Format      string
	Attachments bool
}

// Request is a parsed GET /statements.
type Request struct {
	Kind Kind
	// ID is the statementId or voidedStatementId.
	ID uuid.UUID
	// Filter is set for KindList; for single GETs only Format and Attachments.
	Filter Filter
	// Cursor is set for KindMore.
	Cursor Cursor
}

// Limits are the server's page sizes.
type Limits struct {
	Default, Max int
}

// AgentParser turns the agent parameter (JSON) into its canonical key.
type AgentParser func(v string) (string, error)

// Parser reads the query string of a GET /statements.
type Parser struct {
	Limits Limits
	// ParseAgent reads the agent parameter.
	ParseAgent AgentParser
	// Cursors reads the more parameter.
	Cursors *Cursors
}

var known = map[string]bool{
	"statementId": true, "voidedStatementId": true, "agent": true, "verb": true, "activity": true,
	"registration": true, "related_activities": true, "related_agents": true, "since": true, "until": true,
	"limit": true, "format": true, "attachments": true, "ascending": true, "more": true,
}

// Parse reads the query string of a GET /statements made under xAPI version
// ver. Parameter names are case-sensitive; unknown or repeated parameters are
// rejected (Communication 3.2), and so is every value not of the type
// Communication 2.1.3 gives its parameter. Every error wraps ErrBadRequest.
func (p Parser) Parse(rawQuery string, ver xapi.Version) (Request, error) {
	lim := p.Limits
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return Request{}, badf("malformed query string: %v", err)
	}
	for name, vs := range q {
		if !known[name] {
			return Request{}, badf("unknown parameter %q", name)
		}
		if len(vs) != 1 {
			return Request{}, badf("parameter %q given %d times", name, len(vs))
		}
	}
	get := func(name string) (string, bool) {
		vs, ok := q[name]
		if !ok {
			return "", false
		}
		return vs[0], true
	}

	if tok, ok := get("more"); ok {
		if len(q) != 1 {
			return Request{}, badf("more must be the only parameter")
		}
		c, err := p.Cursors.Decode(tok, lim)
		if err != nil {
			return Request{}, err
		}
		return Request{Kind: KindMore, Cursor: c}, nil
	}

	var r Request
	if r.Filter.Format, err = parseFormat(get("format")); err != nil {
		return Request{}, err
	}
	if r.Filter.Attachments, err = parseBool(q, "attachments"); err != nil {
		return Request{}, err
	}

	sid, hasSID := get("statementId")
	vid, hasVID := get("voidedStatementId")
	if hasSID || hasVID {
		if hasSID && hasVID {
			return Request{}, badf("statementId and voidedStatementId cannot be used together")
		}
		for name := range q {
			switch name {
			case "statementId", "voidedStatementId", "format", "attachments":
			default:
				return Request{}, badf("parameter %q cannot be combined with statementId or voidedStatementId", name)
			}
		}
		r.Kind, r.ID = KindSingle, uuid.Nil
		name, v := "statementId", sid
		if hasVID {
			r.Kind, name, v = KindVoided, "voidedStatementId", vid
		}
		if r.ID, err = parseUUID(name, v); err != nil {
			return Request{}, err
		}
		return r, nil
	}

	r.Kind = KindList
	f := &r.Filter
	if v, ok := get("agent"); ok {
		if f.Agent, err = p.ParseAgent(v); err != nil {
			// Keep the parser's error in the chain: its problems reach the body.
			return Request{}, fmt.Errorf("%w: agent: %w", ErrBadRequest, err)
		}
	}
	if f.Verb, err = parseIRI(q, "verb"); err != nil {
		return Request{}, err
	}
	if f.Activity, err = parseIRI(q, "activity"); err != nil {
		return Request{}, err
	}
	if s, ok := get("registration"); ok {
		id, err := parseUUID("registration", s)
		if err != nil {
			return Request{}, err
		}
		f.Registration = id.String()
	}
	if f.RelatedAgents, err = parseBool(q, "related_agents"); err != nil {
		return Request{}, err
	}
	if f.RelatedActivities, err = parseBool(q, "related_activities"); err != nil {
		return Request{}, err
	}
	if f.Ascending, err = parseBool(q, "ascending"); err != nil {
		return Request{}, err
	}
	if f.Since, err = parseTime(q, "since", ver); err != nil {
		return Request{}, err
	}
	if f.Until, err = parseTime(q, "until", ver); err != nil {
		return Request{}, err
	}
	if f.Limit, err = parseLimit(q, lim); err != nil {
		return Request{}, err
	}
	return r, nil
}

func parseFormat(v string, ok bool) (string, error) {
	if !ok {
		return FormatExact, nil
	}
	switch v {
	case FormatExact, FormatIDs, FormatCanonical:
		return v, nil
	}
	return "", badf("format must be ids, exact or canonical, not %q", v)
}

// parseBool accepts the JSON literals true and false (Communication 2.1.3 note).
func parseBool(q url.Values, name string) (bool, error) {
	vs, ok := q[name]
	if !ok {
		return false, nil
	}
	switch vs[0] {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badf("%s must be true or false, not %q", name, vs[0])
}

func parseUUID(name, v string) (uuid.UUID, error) {
	// uuid.Parse also takes {…}, urn:uuid:… and unhyphenated forms; xAPI UUIDs
	// are the 36-character hyphenated form only.
	if len(v) != 36 {
		return uuid.Nil, badf("%s must be a UUID, not %q", name, v)
	}
	id, err := uuid.Parse(v)
	if err != nil {
		return uuid.Nil, badf("%s must be a UUID, not %q", name, v)
	}
	return id, nil
}

// parseIRI reads a parameter whose value is an IRI (verb, activity).
func parseIRI(q url.Values, name string) (string, error) {
	vs, ok := q[name]
	if !ok {
		return "", nil
	}
	if !xapi.IsIRI(vs[0]) {
		return "", badf("%s must be an IRI, not %q", name, vs[0])
	}
	return vs[0], nil
}

// parseTime reads a Timestamp as a statement of version v carries it (Data
// 4.5: ISO 8601 under 1.0.3, RFC 3339 under 2.0), truncated to the store's
// millisecond precision. A '+' sent unescaped arrives as a space and is
// taken back.
func parseTime(q url.Values, name string, v xapi.Version) (*time.Time, error) {
	vs, ok := q[name]
	if !ok {
		return nil, nil
	}
	t, ok := xapi.ParseTimestamp(v, vs[0])
	if i := strings.LastIndexByte(vs[0], ' '); !ok && i > 0 {
		t, ok = xapi.ParseTimestamp(v, vs[0][:i]+"+"+vs[0][i+1:])
	}
	if !ok {
		format := "an ISO 8601 timestamp"
		if v == xapi.V200 {
			format = "an RFC 3339 timestamp with an offset"
		}
		return nil, badf("%s must be %s, not %q", name, format, vs[0])
	}
	t = t.UTC().Truncate(time.Millisecond)
	return &t, nil
}

// parseLimit: absent → the default page; 0 → the server maximum
// (Communication 2.1.3); larger than the maximum → the maximum.
func parseLimit(q url.Values, lim Limits) (int, error) {
	vs, ok := q["limit"]
	if !ok {
		return lim.Default, nil
	}
	v := vs[0]
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, badf("limit must be a nonnegative integer, not %q", v)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n == 0 || n > lim.Max { // err: out of range, i.e. huge
		return lim.Max, nil
	}
	return n, nil
}
