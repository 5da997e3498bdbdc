package xapi

func (v *validator) verb(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleVerb, "verb must be an object")
		return
	}
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		switch key {
		case "id":
			v.iri(x, &c, ruleVerb)
		case "display":
			v.langMap(x, &c)
		default:
			v.additional(&c, key, "a Verb")
		}
	}
	v.required(m, p, ruleVerb, "id")
}

// object validates a statement's object; inSub is true inside a SubStatement,
// where a further SubStatement is not allowed.
func (v *validator) object(val any, p *path, inSub bool) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleObject, "object must be an object")
		return
	}
	t, has := m["objectType"]
	switch {
	case !has || t == "Activity":
		v.activity(m, p)
	case t == "Agent":
		v.agent(m, p)
	case t == "Group":
		v.group(m, p)
	case t == "StatementRef":
		v.statementRef(m, p)
	case t == "SubStatement":
		if inSub {
			v.add(p, ruleSubStmt, "a SubStatement must not contain a SubStatement")
			return
		}
		// A new root spelled like p breaks the pointer cycle statement →
		// object → statement, which would move every path node of
		// statement to the heap (escape analysis gives up on it).
		sub := path{key: p.String(), idx: -1}
		v.statement(m, &sub, true)
	default:
		c := p.k("objectType")
		v.add(&c, ruleObject, `objectType must be "Activity", "Agent", "Group", "StatementRef" or "SubStatement"`)
	}
}

// activityValue validates a value that must be an Activity (contextActivities).
func (v *validator) activityValue(val any, p *path, rule string) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, rule, "must be an Activity object")
		return
	}
	if t, has := m["objectType"]; has && t != "Activity" {
		c := p.k("objectType")
		v.add(&c, rule, `must be an Activity (objectType "Activity")`)
		return
	}
	v.activity(m, p)
}

func (v *validator) activity(m map[string]any, p *path) {
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		switch key {
		case "objectType":
		case "id":
			v.iri(x, &c, ruleActivity)
		case "definition":
			v.definition(x, &c)
		default:
			v.additional(&c, key, "an Activity")
		}
	}
	v.required(m, p, ruleActivity, "id")
}

// interactionLists maps each interactionType to the component lists it
// supports (Data 2.4.4.1 Interaction Components).
var interactionLists = map[string][]string{
	"true-false": nil, "fill-in": nil, "long-fill-in": nil, "numeric": nil, "other": nil,
	"choice": {"choices"}, "sequencing": {"choices"},
	"likert":      {"scale"},
	"matching":    {"source", "target"},
	"performance": {"steps"},
}

func (v *validator) definition(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleActivity, "definition must be an object")
		return
	}
	it, hasIT := m["interactionType"].(string)
	lists, knownIT := interactionLists[it]
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		switch key {
		case "name", "description":
			v.langMap(x, &c)
		case "type":
			v.iri(x, &c, ruleActivity)
		case "moreInfo":
			v.iri(x, &c, ruleActivity)
		case "extensions":
			v.extensions(x, &c)
		case "interactionType":
			if !hasIT || !knownIT {
				v.add(&c, ruleInteraction, "interactionType must be one of true-false, choice, fill-in, long-fill-in, matching, performance, sequencing, likert, numeric, other")
			}
		case "correctResponsesPattern":
			if !hasIT {
				v.add(&c, ruleInteraction, "correctResponsesPattern requires an interactionType")
			}
			arr, ok := x.([]any)
			if !ok {
				v.add(&c, ruleInteraction, "correctResponsesPattern must be an array of strings")
				continue
			}
			for i, e := range arr {
				if _, ok := e.(string); !ok {
					ci := c.i(i)
					v.add(&ci, ruleInteraction, "must be a string")
				}
			}
		case "choices", "scale", "source", "target", "steps":
			if !hasIT {
				v.add(&c, ruleInteraction, "\""+key+"\" requires an interactionType")
			} else if knownIT && !contains(lists, key) {
				v.add(&c, ruleComponents, "\""+key+"\" is not supported by interactionType "+it)
			}
			v.components(x, &c)
		default:
			v.additional(&c, key, "an Activity Definition")
		}
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// components validates an interaction component list: objects with a string
// id (distinct within the list) and an optional description Language Map.
func (v *validator) components(val any, p *path) {
	arr, ok := val.([]any)
	if !ok {
		v.add(p, ruleComponents, "must be an array of interaction components")
		return
	}
	var ids map[string]struct{} // only for long lists; short ones are scanned
	if len(arr) > 16 {
		ids = make(map[string]struct{}, len(arr))
	}
	for i, e := range arr {
		c := p.i(i)
		m, ok := e.(map[string]any)
		if !ok {
			v.add(&c, ruleComponents, "must be an interaction component object")
			continue
		}
		for key, x := range v.properties(m, &c) {
			f := c.k(key)
			switch key {
			case "id":
				id, ok := x.(string)
				if !ok || id == "" {
					v.add(&f, ruleComponents, "id must be a non-empty string")
				} else if componentIDSeen(arr[:i], ids, id) {
					v.add(&f, ruleComponents, "component ids must be distinct within the list")
				} else if ids != nil {
					ids[id] = struct{}{}
				}
			case "description":
				v.langMap(x, &f)
			default:
				v.additional(&f, key, "an interaction component")
			}
		}
		v.required(m, &c, ruleComponents, "id")
	}
}

func (v *validator) statementRef(m map[string]any, p *path) {
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		switch key {
		case "objectType":
			if x != "StatementRef" {
				v.add(&c, ruleStmtRef, `objectType must be "StatementRef"`)
			}
		case "id":
			v.uuid(x, &c, ruleStmtRef)
		default:
			v.additional(&c, key, "a StatementRef")
		}
	}
	v.required(m, p, ruleStmtRef, "objectType", "id")
}

// componentIDSeen reports whether id is the id of one of the components
// before (linear for short lists) or in ids (long lists).
func componentIDSeen(before []any, ids map[string]struct{}, id string) bool {
	if ids != nil {
		_, ok := ids[id]
		return ok
	}
	for _, e := range before {
		if m, ok := e.(map[string]any); ok && m["id"] == id {
			return true
		}
	}
	return false
}
