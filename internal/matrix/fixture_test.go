package matrix

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/google/uuid"
)

// Both tenants know the same person and activity, under the same ids: what
// each stored about them must stay its own.
const (
	sharedMbox     = "mailto:shared-learner@example.com"
	sharedActivity = "http://example.com/matrix/activity"
	verbDid        = "http://example.com/verbs/did"
	verbVoided     = "http://adlnet.gov/expapi/verbs/voided"
	matrixDoc      = "matrix-doc" // stateId / profileId every tenant has
	aOnlyDoc       = "a-only-doc" // stateId / profileId only tenant A has
)

// tenantData is what one tenant stored before the tests (with its "all"
// credential).
type tenantData struct {
	tenant       string
	name         string // the shared person's name in this tenant
	definition   string // the shared activity's name in this tenant
	registration string
	stmt         string // a plain statement
	attStmt      string // a statement with an attachment part
	attSHA       string
	attData      string
	voided       string // a voided statement
	voiding      string // the statement voiding it
	stored       []string
}

var (
	seedOnce sync.Once
	seedErr  error
	data     = map[string]*tenantData{}
)

func seed(t *testing.T) {
	t.Helper()
	seedOnce.Do(func() {
		for _, tn := range []string{tenantA, tenantB} {
			d, err := seedTenant(t, tn)
			if err != nil {
				seedErr = err
				return
			}
			data[tn] = d
		}
	})
	if seedErr != nil {
		t.Fatalf("seed: %v", seedErr)
	}
}

func seedTenant(t *testing.T, tn string) (*tenantData, error) {
	all := creds[tn]["all"]
	d := &tenantData{tenant: tn, name: "Name-of-" + tn, definition: "Definition-of-" + tn,
		registration: uuid.NewString(), stmt: uuid.NewString(), attStmt: uuid.NewString(),
		voided: uuid.NewString(), voiding: uuid.NewString(), attData: "attachment bytes of " + tn}
	ctx := fmt.Sprintf(`"context":{"registration":%q}`, d.registration)
	def := fmt.Sprintf(`{"objectType":"Activity","id":%q,"definition":{"name":{"en-US":%q},"type":"http://example.com/types/%s"}}`,
		sharedActivity, d.definition, tn)
	st := fmt.Sprintf(`{"id":%q,"actor":{"objectType":"Agent","mbox":%q,"name":%q},"verb":{"id":%q},"object":%s,%s}`,
		d.stmt, sharedMbox, d.name, verbDid, def, ctx)
	if r := do(t, "1.0.3", all, withCred, putStatement(d.stmt, st)); r.code != http.StatusNoContent {
		return nil, fmt.Errorf("%s: PUT statement: %d %s", tn, r.code, trim(r.body))
	}
	rq, sha := multipartStatement(d.attStmt, sharedMbox, verbDid, sharedActivity, []byte(d.attData))
	d.attSHA = sha
	if r := do(t, "1.0.3", all, withCred, rq); r.code != http.StatusOK {
		return nil, fmt.Errorf("%s: POST multipart statement: %d %s", tn, r.code, trim(r.body))
	}
	if r := do(t, "1.0.3", all, withCred, putStatement(d.voided,
		statementJSON(d.voided, sharedMbox, d.name, verbDid, sharedActivity, ctx))); r.code != http.StatusNoContent {
		return nil, fmt.Errorf("%s: PUT to-be-voided statement: %d %s", tn, r.code, trim(r.body))
	}
	voiding := fmt.Sprintf(`{"id":%q,"actor":{"mbox":%q},"verb":{"id":%q},"object":{"objectType":"StatementRef","id":%q}}`,
		d.voiding, sharedMbox, verbVoided, d.voided)
	if r := do(t, "1.0.3", all, withCred, putStatement(d.voiding, voiding)); r.code != http.StatusNoContent {
		return nil, fmt.Errorf("%s: PUT voiding statement: %d %s", tn, r.code, trim(r.body))
	}
	d.stored = []string{d.stmt, d.attStmt, d.voided, d.voiding}
	settle(t, all)
	for _, id := range []string{matrixDoc, aOnlyDoc} {
		if id == aOnlyDoc && tn != tenantA {
			continue
		}
		for _, k := range docKinds {
			body := fmt.Sprintf(`{"owner":%q,"doc":%q}`, tn, id)
			if r := do(t, "1.0.3", all, withCred, k.put(id, body)); r.code != http.StatusNoContent {
				return nil, fmt.Errorf("%s: PUT %s %s: %d %s", tn, k.name, id, r.code, trim(r.body))
			}
		}
	}
	return d, nil
}

// docKind is one document resource (Communication 2.3, 2.6, 2.7).
type docKind struct {
	name    string
	path    string
	section string
	idParam string
	scope   string // "state" or "profile"
	base    func(activity, mbox string) url.Values
}

var docKinds = []docKind{
	{name: "state", path: "/xapi/activities/state", section: "Comm2.3", idParam: "stateId", scope: "state",
		base: func(a, m string) url.Values { return url.Values{"activityId": {a}, "agent": {agentJSON(m)}} }},
	{name: "activity profile", path: "/xapi/activities/profile", section: "Comm2.6", idParam: "profileId", scope: "profile",
		base: func(a, _ string) url.Values { return url.Values{"activityId": {a}} }},
	{name: "agent profile", path: "/xapi/agents/profile", section: "Comm2.7", idParam: "profileId", scope: "profile",
		base: func(_, m string) url.Values { return url.Values{"agent": {agentJSON(m)}} }},
}

func (k docKind) q(id string) url.Values {
	q := k.base(sharedActivity, sharedMbox)
	if id != "" {
		q.Set(k.idParam, id)
	}
	return q
}

func (k docKind) put(id, body string) request {
	// If-None-Match: * — every PUT here creates (profiles need a precondition).
	return request{method: http.MethodPut, path: k.path, query: k.q(id), body: []byte(body), contentType: "application/json",
		header: http.Header{"If-None-Match": {"*"}}}
}

func (k docKind) post(id, body string) request {
	return request{method: http.MethodPost, path: k.path, query: k.q(id), body: []byte(body), contentType: "application/json"}
}

func (k docKind) get(id string) request {
	return request{method: http.MethodGet, path: k.path, query: k.q(id)}
}

func (k docKind) del(id string) request {
	return request{method: http.MethodDelete, path: k.path, query: k.q(id)}
}
