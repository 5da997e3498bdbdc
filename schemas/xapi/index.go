package xapi

import (
	"time"

	"github.com/google/uuid"
)

// VerbVoided is the reserved voiding verb (Data 2.3.2).
const VerbVoided = "http://adlnet.gov/expapi/verbs/voided"

// Index holds the values of a statement that the GET statements filters
// match on (Communication 2.1.3).
type Index struct {
	Verb       string
	ObjectType string // Activity|Agent|Group|StatementRef|SubStatement
	// ObjectID is the activity id, the StatementRef id, or the AgentKey of an
	// Agent/Identified Group object; empty for SubStatements and Anonymous
	// Groups.
	ObjectID     string
	Registration uuid.UUID // uuid.Nil when absent
	// Voids is the target of a voiding statement (verb VerbVoided, object a
	// StatementRef); uuid.Nil otherwise.
	Voids     uuid.UUID
	Timestamp time.Time
	// Agents are the keys the `agent` filter matches: the actor and an
	// Agent/Group object, plus the members of those Groups ("Groups that have
	// members which match the specified Agent ... are considered a match").
	Agents []string
	// RelatedAgents are the keys related_agents=true matches: Agents plus
	// authority, instructor, team, 2.0 contextAgents[].agent and
	// contextGroups[].group (with Group members), and the same inside a
	// SubStatement. Deduplicated, in first-seen order.
	RelatedAgents []string
	// RelatedActivities are the ids related_activities=true matches: the
	// object Activity and the contextActivities (parent, grouping, category,
	// other), and the same inside a SubStatement. Deduplicated, first-seen
	// order.
	RelatedActivities []string
}

// Extract builds the Index of a validated, finalized statement. Values that
// are absent or malformed are left zero.
func Extract(s Statement) Index {
	var ix Index
	if verb, ok := s["verb"].(map[string]any); ok {
		ix.Verb, _ = verb["id"].(string)
	}
	obj, _ := s["object"].(map[string]any)
	ix.ObjectType = objectType(obj)
	switch ix.ObjectType {
	case "Activity", "StatementRef":
		ix.ObjectID, _ = obj["id"].(string)
	case "Agent", "Group":
		ix.ObjectID, _ = AgentKey(obj)
	}
	if ix.ObjectType == "StatementRef" && ix.Verb == VerbVoided {
		ix.Voids = parseUUID(obj["id"])
	}
	if ctx, ok := s["context"].(map[string]any); ok {
		ix.Registration = parseUUID(ctx["registration"])
	}
	if ts, ok := s["timestamp"].(string); ok {
		if t, ok := parseTimestamp(ts, false); ok {
			ix.Timestamp = t
		} else if t, ok := parseTimestamp(ts, true); ok {
			ix.Timestamp = t
		}
	}

	// The three lists share one allocation while they stay small.
	backing := make([]string, 16)
	agents := keySet{list: backing[0:0:4]}
	agents.addActor(s["actor"])
	if ix.ObjectType == "Agent" || ix.ObjectType == "Group" {
		agents.addActor(obj)
	}
	ix.Agents = nilIfEmpty(agents.list)

	related := keySet{list: backing[4:4:10]}
	for _, a := range agents.list {
		related.add(a)
	}
	related.addActor(s["authority"])
	acts := keySet{list: backing[10:10:16]}
	relatedOf(s, obj, &related, &acts)
	if ix.ObjectType == "SubStatement" {
		subObj, _ := obj["object"].(map[string]any)
		related.addActor(obj["actor"])
		if t := objectType(subObj); t == "Agent" || t == "Group" {
			related.addActor(subObj)
		}
		relatedOf(obj, subObj, &related, &acts)
	}
	ix.RelatedAgents = nilIfEmpty(related.list)
	ix.RelatedActivities = nilIfEmpty(acts.list)
	return ix
}

func nilIfEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

// relatedOf adds the object Activity, the context agents and the context
// activities of statement s (whose object is obj).
func relatedOf(s, obj map[string]any, agents, acts *keySet) {
	if objectType(obj) == "Activity" {
		acts.addString(obj["id"])
	}
	ctx, ok := s["context"].(map[string]any)
	if !ok {
		return
	}
	agents.addActor(ctx["instructor"])
	agents.addActor(ctx["team"])
	for _, key := range [...]string{"contextAgents", "contextGroups"} {
		list, _ := ctx[key].([]any)
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				agents.addActor(m["agent"])
				agents.addActor(m["group"])
			}
		}
	}
	ca, _ := ctx["contextActivities"].(map[string]any)
	for _, kind := range contextActivityKinds {
		switch v := ca[kind].(type) {
		case []any:
			for _, a := range v {
				if m, ok := a.(map[string]any); ok {
					acts.addString(m["id"])
				}
			}
		case map[string]any:
			acts.addString(v["id"])
		}
	}
}

func objectType(obj map[string]any) string {
	if obj == nil {
		return ""
	}
	t, has := obj["objectType"]
	if !has {
		return "Activity"
	}
	s, _ := t.(string)
	return s
}

func parseUUID(v any) uuid.UUID {
	s, ok := v.(string)
	if !ok || !isUUID(s) {
		return uuid.Nil
	}
	return uuid.MustParse(s)
}

// keySet is an insertion-ordered set of strings. Small sets scan the list;
// large ones (big Groups) switch to a map.
type keySet struct {
	list []string
	seen map[string]struct{}
}

func (k *keySet) add(s string) {
	if k.seen == nil && len(k.list) >= 16 {
		k.seen = make(map[string]struct{}, 2*len(k.list))
		for _, e := range k.list {
			k.seen[e] = struct{}{}
		}
	}
	if k.seen != nil {
		if _, dup := k.seen[s]; dup {
			return
		}
		k.seen[s] = struct{}{}
	} else if contains(k.list, s) {
		return
	}
	k.list = append(k.list, s)
}

func (k *keySet) addString(v any) {
	if s, ok := v.(string); ok && s != "" {
		k.add(s)
	}
}

// addActor adds an Agent's or Group's key and the keys of a Group's members.
func (k *keySet) addActor(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	if key, ok := AgentKey(m); ok {
		k.add(key)
	}
	members, _ := m["member"].([]any)
	for _, e := range members {
		if a, ok := e.(map[string]any); ok {
			if key, ok := AgentKey(a); ok {
				k.add(key)
			}
		}
	}
}
