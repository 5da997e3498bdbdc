package resources

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-lrs/tributary/query/definitions"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// Activity is the Activity object returned by the Activities resource.
type Activity struct {
	ID         string          `json:"id"`
	ObjectType string          `json:"objectType"`
	Definition json.RawMessage `json:"definition,omitempty"`
}

// getActivity serves GET and HEAD /xapi/activities?activityId=…
// (Communication 2.5; 2.0 §4.1.6.4): the Activity with its canonical
// definition, merged from every definition stored for it (see package
// definitions). Without a stored definition it answers 200 with
// {"id", "objectType": "Activity"}: a SHALL under 2.0, a SHOULD* under
// 1.0.3, served the same for both as the 2.0 notes (§3.4) recommend.
// Last-Modified is when its newest part was stored.
func (s *Service) getActivity(w http.ResponseWriter, r *http.Request) {
	id, err := param(r, "activityId")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !isIRI(id) {
		s.fail(w, r, badf("activityId must be an IRI of at most %d bytes (Communication 2.5, Data 2.4.4.1)", xapi.MaxIRILength))
		return
	}
	ten, ok := tenant(r)
	if !ok {
		s.fail(w, r, fmt.Errorf("no principal on an authenticated route"))
		return
	}
	canon, err := definitions.Read(r.Context(), s.d.Engine, s.d.Database, ten, []string{id})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	act := Activity{ID: id, ObjectType: "Activity"}
	var modified time.Time
	if c, ok := canon[id]; ok {
		act.Definition, modified = json.RawMessage(c.JSON), c.Stored
	}
	respond(w, r, act, modified)
}

// isIRI is a structural IRI check (RFC 3987): an RFC 3986 scheme, ":", a
// non-empty remainder, no whitespace or control characters, and at most
// xapi.MaxIRILength bytes (no stored activity has a longer id). The
// statement validator holds the full grammar; a stricter check here could
// only turn a lookup that finds nothing into a 400.
func isIRI(s string) bool {
	if len(s) > xapi.MaxIRILength {
		return false
	}
	colon := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f {
			return false
		}
		if colon < 0 && c == ':' {
			colon = i
		}
	}
	if colon < 1 || colon == len(s)-1 {
		return false
	}
	for i := 0; i < colon; i++ {
		c := s[i]
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !(alpha || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}
