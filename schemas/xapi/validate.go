package xapi

import (
	"iter"
	"math"
	"strconv"
)

// Rule names cite the spec section a problem breaks. "Data x" is xAPI 1.0.3
// Part Two; "9274.1.1 x" is the xAPI 2.0.0 LRS base standard.
const (
	ruleFormat      = "Data 2.2"
	ruleStatement   = "Data 2.4"
	ruleID          = "Data 2.4.1"
	ruleActor       = "Data 2.4.2"
	ruleAgent       = "Data 2.4.2.1"
	ruleGroup       = "Data 2.4.2.2"
	ruleIFI         = "Data 2.4.2.3"
	ruleAccount     = "Data 2.4.2.4"
	ruleVerb        = "Data 2.4.3"
	ruleObject      = "Data 2.4.4"
	ruleActivity    = "Data 2.4.4.1"
	ruleInteraction = "Data 2.4.4.1 Interaction Activities"
	ruleComponents  = "Data 2.4.4.1 Interaction Components"
	ruleAgentObject = "Data 2.4.4.2"
	ruleStmtRef     = "Data 2.4.4.3 Statement References"
	ruleSubStmt     = "Data 2.4.4.3 SubStatements"
	ruleResult      = "Data 2.4.5"
	ruleScore       = "Data 2.4.5.1"
	ruleContext     = "Data 2.4.6"
	ruleCtxActs     = "Data 2.4.6.2"
	ruleTimestamp   = "Data 2.4.7"
	ruleStored      = "Data 2.4.8"
	ruleAuthority   = "Data 2.4.9"
	ruleVersion     = "Data 2.4.10"
	ruleAttachments = "Data 2.4.11"
	ruleExtensions  = "Data 4.1"
	ruleLangMap     = "Data 4.2"
	ruleIRI         = "Data 4.3"
	ruleUUID        = "Data 4.4"
	ruleTimeFormat  = "Data 4.5"
	ruleDuration    = "Data 4.6"
	ruleVoiding     = "Data 2.3.2"
	ruleSigned      = "Data 2.6"
	ruleBatchIDs    = "Communication 2.1.2"
	rule2Version    = "9274.1.1 4.2.4.3"
	rule2CtxAgents  = "9274.1.1 4.2.2.5 contextAgents"
	rule2CtxGroups  = "9274.1.1 4.2.2.5 contextGroups"
	rule2Timestamp  = "9274.1.1 4.2.7 Timestamps"
)

// Validate checks one statement against the rules of version v and returns
// a *ValidationError listing every problem (paths start at "$"), or nil.
// It does not modify s.
func Validate(v Version, s Statement) error {
	val := validator{ver: v}
	root := rootPath()
	val.statement(s, &root, false)
	return val.err()
}

// ValidateBatch validates every statement of a POSTed array with paths
// prefixed "$[i]", and reports statement ids used more than once in the batch
// (Communication 2.1.2; a "shall" in 2.0). For a single-object body call
// Validate instead, so paths start at "$".
func ValidateBatch(v Version, stmts []Statement) error {
	b := NewBatchValidator(v, true)
	for _, s := range stmts {
		b.Add(s)
	}
	return b.Err()
}

// statement validates a Statement, or a SubStatement when sub is true.
func (v *validator) statement(s map[string]any, p *path, sub bool) {
	var objIsActivity bool
	if o, ok := s["object"].(map[string]any); ok {
		t, has := o["objectType"]
		objIsActivity = !has || t == "Activity"
	}
	for key, val := range v.properties(s, p) {
		c := p.k(key)
		switch key {
		case "actor":
			v.actor(val, &c, ruleActor)
		case "verb":
			v.verb(val, &c)
		case "object":
			v.object(val, &c, sub)
		case "result":
			v.result(val, &c)
		case "context":
			v.context(val, &c, objIsActivity)
		case "timestamp":
			v.timestamp(val, &c, ruleTimestamp)
		case "attachments":
			v.attachments(val, &c)
		case "objectType":
			if !sub {
				v.add(&c, ruleStatement, `"objectType" is not a Statement property`)
			} else if val != "SubStatement" {
				v.add(&c, ruleSubStmt, `objectType must be "SubStatement"`)
			}
		case "id", "stored", "authority", "version":
			if sub {
				v.add(&c, ruleSubStmt, "a SubStatement must not have the \""+key+"\" property")
				continue
			}
			switch key {
			case "id":
				v.uuid(val, &c, ruleID)
			case "stored":
				v.timestamp(val, &c, ruleStored)
			case "authority":
				v.authority(val, &c)
			case "version":
				v.version(val, &c)
			}
		default:
			v.additional(&c, key, "")
		}
	}
	for _, req := range [...]string{"actor", "verb", "object"} {
		if _, ok := s[req]; !ok {
			c := p.k(req)
			v.add(&c, ruleStatement, "\""+req+"\" is required")
		}
	}
	if !sub {
		v.voiding(s, p)
	}
}

// voiding: a statement with the reserved verb voided must have a
// StatementRef object naming the voided statement by id (Data 2.3.2; 2.0
// §4.2.5). The id itself is checked by statementRef.
func (v *validator) voiding(s map[string]any, p *path) {
	verb, _ := s["verb"].(map[string]any)
	if id, _ := verb["id"].(string); id != VerbVoided {
		return
	}
	obj, ok := s["object"].(map[string]any)
	if !ok {
		return // reported by object (or as missing)
	}
	if t := obj["objectType"]; t != "StatementRef" {
		c := p.k("object")
		at := &c
		if _, has := obj["objectType"]; has {
			t := c.k("objectType")
			at = &t
		}
		v.add(at, ruleVoiding, `the object of a voiding statement (verb `+VerbVoided+`) must be a StatementRef`)
	}
}

func (v *validator) version(val any, p *path) {
	s, ok := val.(string)
	switch {
	case !ok:
		v.add(p, ruleVersion, "version must be a string")
	case v.ver == V200 && !statementVersionOK(v.ver, s):
		v.add(p, rule2Version, "version must be 1.0, 1.0.x, 2.0 or 2.0.x")
	case !statementVersionOK(v.ver, s):
		v.add(p, ruleVersion, "version must be 1.0 or 1.0.x under xAPI 1.0.3")
	}
}

// authority: an Agent, or, in 3-legged OAuth, a Group of exactly two Agents
// (Data 2.4.9): the OAuth consumer, identified by account ("OAuth
// Credentials as Authority"), and the user. Such a Group is the pair, not an
// Identified Group: an IFI on the Group itself is refused.
func (v *validator) authority(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleAuthority, "authority must be an Agent or Group object")
		return
	}
	if m["objectType"] == "Group" {
		v.authorityGroup(m, p)
	}
	v.actor(val, p, ruleAuthority)
}

func (v *validator) authorityGroup(m map[string]any, p *path) {
	for _, ifi := range [...]string{"mbox", "mbox_sha1sum", "openid", "account"} {
		if _, has := m[ifi]; has {
			c := p.k(ifi)
			v.add(&c, ruleAuthority, "an authority Group is an OAuth pair of two Agents, not an Identified Group: it must not have \""+ifi+"\"")
		}
	}
	mem, ok := m["member"].([]any)
	if !ok || len(mem) != 2 {
		at := p
		if ok {
			c := p.k("member")
			at = &c
		}
		v.add(at, ruleAuthority, "an authority Group must have exactly two member Agents")
		return
	}
	for _, e := range mem {
		if a, ok := e.(map[string]any); ok && a["account"] != nil {
			return
		}
	}
	c := p.k("member")
	v.add(&c, ruleAuthority, "one member of an authority Group must be the OAuth consumer, an Agent identified by account")
}

func (v *validator) timestamp(val any, p *path, rule string) {
	s, ok := val.(string)
	if !ok {
		v.add(p, rule, "must be a Timestamp string")
		return
	}
	if v.ver == V200 {
		if _, ok := parseTimestamp(s, true); !ok {
			v.add(p, rule2Timestamp, "must be an RFC 3339 timestamp with an offset (not -00:00)")
		}
		return
	}
	if _, ok := parseTimestamp(s, false); !ok {
		v.add(p, ruleTimeFormat, "must be an ISO 8601 timestamp (offsets -00, -0000, -00:00 are not allowed)")
	}
}

func (v *validator) attachments(val any, p *path) {
	arr, ok := val.([]any)
	if !ok {
		v.add(p, ruleAttachments, "attachments must be an array of Attachment objects")
		return
	}
	for i, e := range arr {
		c := p.i(i)
		m, ok := e.(map[string]any)
		if !ok {
			v.add(&c, ruleAttachments, "must be an Attachment object")
			continue
		}
		for key, x := range v.properties(m, &c) {
			f := c.k(key)
			switch key {
			case "usageType":
				v.iri(x, &f, ruleAttachments)
			case "fileUrl":
				v.iri(x, &f, ruleAttachments)
			case "display", "description":
				v.langMap(x, &f)
			case "contentType":
				if s, ok := x.(string); !ok || !isMediaType(s) {
					v.add(&f, ruleAttachments, "contentType must be an Internet Media Type")
				}
			case "length":
				if n, ok := number(x); !ok || n < 0 || n != math.Trunc(n) || math.IsInf(n, 0) {
					v.add(&f, ruleAttachments, "length must be a non-negative integer")
				}
			case "sha2":
				if s, ok := x.(string); !ok || !isSHA2Hex(s) {
					v.add(&f, ruleAttachments, "sha2 must be a hex SHA-2 digest")
				}
			default:
				v.additional(&f, key, "an Attachment")
			}
		}
		v.required(m, &c, ruleAttachments, "usageType", "display", "contentType", "length", "sha2")
		if m["usageType"] == UsageTypeSignature {
			if ct, ok := m["contentType"].(string); ok && !isMediaTypeOf(ct, "application/octet-stream") {
				f := c.k("contentType")
				v.add(&f, ruleSigned, "a signature attachment (usageType "+UsageTypeSignature+") must have contentType application/octet-stream")
			}
		}
	}
}

// UsageTypeSignature is the usageType of the JWS attachment of a signed
// statement (Data 2.6).
const UsageTypeSignature = "http://adlnet.gov/expapi/attachments/signature"

// properties is how every object of a statement is walked: it yields the
// properties of m, the object at p, but refuses those whose value is null
// (Data 2.2: null is allowed only inside extensions, which are not walked).
// The caller checks each property it yields and refuses the ones the object
// does not have with additional.
func (v *validator) properties(m map[string]any, p *path) iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for key, x := range m {
			if x == nil {
				c := p.k(key)
				v.add(&c, ruleFormat, "null is not allowed outside extensions")
				continue
			}
			if !yield(key, x) {
				return
			}
		}
	}
}

// additional refuses the property key, at p, of an object that does not have
// it; in names the object ("an Agent"), "" for a Statement.
func (v *validator) additional(p *path, key, in string) {
	msg := "additional property \"" + key + "\" is not allowed"
	if in != "" {
		msg += " in " + in
	}
	v.add(p, ruleFormat, msg)
}

// required reports each missing key of m.
func (v *validator) required(m map[string]any, p *path, rule string, keys ...string) {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			c := p.k(k)
			v.add(&c, rule, "\""+k+"\" is required")
		}
	}
}

func (v *validator) uuid(val any, p *path, rule string) {
	if s, ok := val.(string); !ok || !isUUID(s) {
		v.add(p, rule, "must be a UUID in standard string form")
	}
}

func (v *validator) iri(val any, p *path, rule string) {
	s, ok := val.(string)
	switch {
	case ok && len(s) > MaxIRILength:
		v.add(p, rule, "must be an IRI of at most "+strconv.Itoa(MaxIRILength)+" bytes")
	case !ok || !isIRI(s):
		v.add(p, rule, "must be an absolute IRI")
	}
}

func (v *validator) str(val any, p *path, rule string) {
	if _, ok := val.(string); !ok {
		v.add(p, rule, "must be a string")
	}
}

func (v *validator) langMap(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleLangMap, "must be a Language Map object")
		return
	}
	for tag, x := range m {
		c := p.k(tag)
		if !isLangTag(tag) {
			v.add(&c, ruleLangMap, "key is not an RFC 5646 language tag")
		}
		if _, ok := x.(string); !ok {
			v.add(&c, ruleLangMap, "value must be a string")
		}
	}
}

func (v *validator) extensions(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleExtensions, "extensions must be an object")
		return
	}
	for key := range m {
		if !isIRI(key) {
			c := p.k(key)
			v.add(&c, ruleExtensions, "extension key must be an IRI")
		}
	}
}
