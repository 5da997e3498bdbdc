package server

import (
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// prepared is what a request keeps of its statements once each one is
// decoded, validated and finalized: the bytes to store and what the checks
// across statements need. The decoded statement is dropped as soon as its
// bytes are built, so a request holds about its body twice over (the body
// and the bytes to store) rather than the several times larger decoded
// trees of all its statements.
type prepared struct {
	n        int // statements in the request
	stored   time.Time
	ids      []uuid.UUID
	hashes   []string
	raws     [][]byte
	facts    [][]byte  // Deps.Facts of each statement, when set
	supplied []int     // statements whose id came from the client: they may be known already
	voiding  []voidRef // voiding statements of the request
	atts     []store.Attachment
}

// prepare reads the statements next returns (io.EOF after the last), one
// at a time: it validates each (paths as ValidateBatch when batch, as
// Validate otherwise), matches its attachments with the parts of body,
// assigns its id, hashes its content, applies the LRS-set properties with
// the stored time given and encodes it, then lets it go. Every problem of
// every statement is reported at once. Every error is the client's (400).
func (s *Server) prepare(r *http.Request, next func() (xapi.Statement, error), batch bool, body *statementsBody, stored time.Time) (*prepared, error) {
	v := xapihttp.VersionFrom(r.Context())
	p, _ := xapihttp.PrincipalFrom(r.Context())
	val := xapi.NewBatchValidator(v, batch)
	match, attErr := newAttachmentMatcher(body, batch)
	out := &prepared{stored: stored}
	var facts func(xapi.Statement, []byte) []byte
	if s.d.Facts != nil {
		noDefine := !p.Can(xapihttp.ScopeDefine)
		facts = func(st xapi.Statement, raw []byte) []byte { return s.d.Facts(st, raw, noDefine) }
	}
	for ; ; out.n++ {
		st, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			out.n++
			return out, err
		}
		if !val.Add(st) {
			continue // keep validating: the answer lists every problem
		}
		if attErr == nil {
			attErr = match.match(out.n, st)
		}
		if attErr != nil {
			continue
		}
		if err := out.add(st, v, p.Authority, facts); err != nil {
			return out, err
		}
	}
	if err := val.Err(); err != nil {
		return out, err
	}
	if attErr == nil {
		out.atts, attErr = match.data()
	}
	if attErr != nil {
		return out, attErr
	}
	return out, nil
}

// add assigns the id of a valid statement, hashes it, finalizes and encodes
// it, and computes its facts when facts is not nil.
func (p *prepared) add(st xapi.Statement, v xapi.Version, authority map[string]any, facts func(xapi.Statement, []byte) []byte) error {
	var id uuid.UUID
	if raw, ok := st["id"].(string); ok {
		id = uuid.MustParse(raw) // validated
		p.supplied = append(p.supplied, len(p.ids))
	} else {
		id = uuid.New()
	}
	st["id"] = id.String() // canonical lower-case form, as the envelope carries it
	hash := xapi.ContentHash(st)
	if t := voidTarget(st); t != uuid.Nil {
		p.voiding = append(p.voiding, voidRef{id: id, target: t})
	}
	if _, err := xapi.Finalize(st, v, p.stored, authority); err != nil {
		return err
	}
	raw, err := xapi.Marshal(st)
	if err != nil {
		return err
	}
	p.ids = append(p.ids, id)
	p.hashes = append(p.hashes, hash)
	p.raws = append(p.raws, raw)
	if facts != nil {
		p.facts = append(p.facts, facts(st, raw))
	}
	return nil
}
