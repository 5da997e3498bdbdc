package documents

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// kind describes one document resource.
type kind struct {
	path     string // route
	resource string // value of the resource column
	scope    string // xAPI scope the credential needs
	idParam  string // stateId or profileId
	activity bool   // takes activityId
	agent    bool   // takes agent
	state    bool   // takes registration; DELETE without stateId deletes all
}

var (
	stateKind = &kind{path: "/xapi/activities/state", resource: "state", scope: "state",
		idParam: "stateId", activity: true, agent: true, state: true}
	activityProfileKind = &kind{path: "/xapi/activities/profile", resource: "activity_profile", scope: "profile",
		idParam: "profileId", activity: true}
	agentProfileKind = &kind{path: "/xapi/agents/profile", resource: "agent_profile", scope: "profile",
		idParam: "profileId", agent: true}
	kinds = []*kind{stateKind, activityProfileKind, agentProfileKind}
)

// request is a validated set of document parameters.
type request struct {
	activity     string
	agentKey     string
	registration string // canonical lower-case UUID, "" when absent
	hasReg       bool
	id           string // stateId / profileId, "" when absent
	hasID        bool
	since        *time.Time
}

// errBadRequest marks a parameter problem (400).
var errBadRequest = errors.New("bad request")

func badf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errBadRequest, fmt.Sprintf(format, a...))
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999Z07",
}

// parse validates the query parameters of a request to resource k
// (Communication 2.3, 2.6, 2.7). Parameters the resource does not define for
// the method are rejected (Communication 2.0: 400 for unrecognised
// parameters), as are repeated ones.
func (k *kind) parse(method string, q url.Values) (request, error) {
	allowed := map[string]bool{k.idParam: true}
	if k.activity {
		allowed["activityId"] = true
	}
	if k.agent {
		allowed["agent"] = true
	}
	if k.state {
		allowed["registration"] = true
	}
	if method == http.MethodGet || method == http.MethodHead {
		allowed["since"] = true
	}
	for name, vs := range q {
		if !allowed[name] {
			return request{}, badf("parameter %q is not allowed on %s %s", name, method, k.path)
		}
		if len(vs) != 1 {
			return request{}, badf("parameter %q must be given once", name)
		}
	}
	var req request
	if k.activity {
		v, ok := q["activityId"]
		if !ok {
			return request{}, badf("activityId is required")
		}
		if !isIRI(v[0]) {
			return request{}, badf("activityId must be an IRI of at most %d bytes, not %.200q", xapi.MaxIRILength, v[0])
		}
		req.activity = v[0]
	}
	if k.agent {
		v, ok := q["agent"]
		if !ok {
			return request{}, badf("agent is required")
		}
		key, err := xapi.ParseAgentParam(v[0])
		if err != nil {
			return request{}, badf("agent: %v", err)
		}
		req.agentKey = key
	}
	if v, ok := q["registration"]; ok {
		if !uuidRe.MatchString(v[0]) {
			return request{}, badf("registration must be a UUID, not %q", v[0])
		}
		req.registration, req.hasReg = strings.ToLower(v[0]), true
	}
	if v, ok := q[k.idParam]; ok {
		req.id, req.hasID = v[0], true
	}
	if (method == http.MethodPut || method == http.MethodPost) && !req.hasID {
		return request{}, badf("%s is required on %s", k.idParam, method)
	}
	if method == http.MethodDelete && !req.hasID && !k.state {
		return request{}, badf("%s is required on DELETE", k.idParam)
	}
	if v, ok := q["since"]; ok {
		s := strings.Replace(v[0], " ", "+", 1)
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				t = t.UTC()
				req.since = &t
				break
			}
		}
		if req.since == nil {
			return request{}, badf("since must be an ISO 8601 timestamp with a time zone, not %q", v[0])
		}
	}
	return req, nil
}

// isIRI is a structural IRI check: an RFC 3986 scheme, something after it,
// no whitespace or control characters, and at most xapi.MaxIRILength bytes
// (the limit of every IRI in a statement).
func isIRI(s string) bool {
	if len(s) > xapi.MaxIRILength {
		return false
	}
	colon := strings.IndexByte(s, ':')
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
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' || r == '<' || r == '>' || r == '\\' ||
			r == '^' || r == '`' || r == '{' || r == '|' || r == '}' {
			return false
		}
	}
	return true
}

// enc encodes parts unambiguously: each as its byte length, ':', the part.
// A concatenation of encodings is a prefix of another only when its parts
// are a prefix of the other's parts.
func enc(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(strconv.Itoa(len(p)))
		b.WriteByte(':')
		b.WriteString(p)
	}
	return b.String()
}

// scopeKey is the document's context: State is keyed by activity, agent and
// registration ("" when absent); the profiles by activity or agent.
func (k *kind) scopeKey(req request) string {
	switch {
	case k.state:
		return enc(req.activity, req.agentKey, req.registration)
	case k.activity:
		return enc(req.activity)
	default:
		return enc(req.agentKey)
	}
}

// statePrefix is the scope-key prefix shared by every registration of an
// activity and agent.
func statePrefix(req request) string { return enc(req.activity, req.agentKey) }

// lockKey is the unit of write serialization: for State every document of an
// activity and agent (so that DELETE of all states is atomic against single
// writes), for the profiles one document.
func (k *kind) lockKey(tenant string, req request) string {
	if k.state {
		return enc(tenant, k.resource, statePrefix(req))
	}
	return enc(tenant, k.resource, k.scopeKey(req), req.id)
}
