// Package format rewrites stored statements for the format parameter of GET
// statements (Communication 2.1.3): `ids` and `canonical`. `exact` needs no
// rewriting: the stored bytes are returned as they are. It holds no I/O.
package format

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// ifis are the Inverse Functional Identifier properties (Data 2.4.2.3).
var ifis = [...]string{"mbox", "mbox_sha1sum", "openid", "account"}

// contextActivityKinds are the properties of contextActivities (Data 2.4.6.2).
var contextActivityKinds = [...]string{"parent", "grouping", "category", "other"}

// IDs reduces st in place for format=ids: Agents and Identified Groups to
// objectType and their IFI, Anonymous Groups to objectType and their members
// so reduced, Activities to their id, Verbs to their id; the same inside a
// SubStatement. Everything else stays as stored.
func IDs(st map[string]any) {
	idsIn(st)
	if obj, ok := st["object"].(map[string]any); ok && obj["objectType"] == "SubStatement" {
		idsIn(obj)
	}
	if a, ok := st["authority"].(map[string]any); ok {
		st["authority"] = agentIDs(a)
	}
}

// idsIn reduces the actor, verb, object and context of a statement or
// SubStatement.
func idsIn(s map[string]any) {
	if a, ok := s["actor"].(map[string]any); ok {
		s["actor"] = agentIDs(a)
	}
	if v, ok := s["verb"].(map[string]any); ok {
		s["verb"] = map[string]any{"id": v["id"]}
	}
	if obj, ok := s["object"].(map[string]any); ok {
		switch objectType(obj) {
		case "Activity":
			s["object"] = activityIDs(obj)
		case "Agent", "Group":
			s["object"] = agentIDs(obj)
		}
	}
	ctx, ok := s["context"].(map[string]any)
	if !ok {
		return
	}
	for _, k := range [...]string{"instructor", "team"} {
		if a, ok := ctx[k].(map[string]any); ok {
			ctx[k] = agentIDs(a)
		}
	}
	// xAPI 2.0 contextAgents / contextGroups: the agent or group is reduced,
	// the relevantTypes stay.
	for _, p := range [...][2]string{{"contextAgents", "agent"}, {"contextGroups", "group"}} {
		list, _ := ctx[p[0]].([]any)
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				if a, ok := m[p[1]].(map[string]any); ok {
					m[p[1]] = agentIDs(a)
				}
			}
		}
	}
	ca, _ := ctx["contextActivities"].(map[string]any)
	for _, kind := range contextActivityKinds {
		switch v := ca[kind].(type) {
		case []any:
			for i, a := range v {
				if m, ok := a.(map[string]any); ok {
					v[i] = activityIDs(m)
				}
			}
		case map[string]any:
			ca[kind] = activityIDs(v)
		}
	}
}

// activityIDs is an Activity with only its id, the one thing that
// identifies it (objectType "Activity" is the default and says nothing).
func activityIDs(a map[string]any) map[string]any {
	return map[string]any{"id": a["id"]}
}

// agentIDs is an Agent or Group with only what identifies it.
func agentIDs(a map[string]any) map[string]any {
	t := "Agent"
	if a["objectType"] == "Group" {
		t = "Group"
	}
	out := map[string]any{"objectType": t}
	for _, k := range ifis {
		if v, ok := a[k]; ok {
			out[k] = v
			return out
		}
	}
	if t == "Group" { // Anonymous Group: identified by its members
		members, _ := a["member"].([]any)
		reduced := make([]any, 0, len(members))
		for _, m := range members {
			if mm, ok := m.(map[string]any); ok {
				reduced = append(reduced, agentIDs(mm))
			}
		}
		out["member"] = reduced
	}
	return out
}

func objectType(obj map[string]any) string {
	t, has := obj["objectType"]
	if !has {
		return "Activity"
	}
	s, _ := t.(string)
	return s
}

// ActivityIDs lists the ids of the Activities of st whose definition
// format=canonical replaces: the object, the context activities, and those of
// a SubStatement.
func ActivityIDs(st map[string]any) []string {
	var out []string
	eachActivity(st, func(a map[string]any) {
		if id, ok := a["id"].(string); ok && id != "" {
			out = append(out, id)
		}
	})
	return out
}

func eachActivity(st map[string]any, f func(map[string]any)) {
	var walk func(s map[string]any, depth int)
	walk = func(s map[string]any, depth int) {
		obj, _ := s["object"].(map[string]any)
		if obj != nil && objectType(obj) == "Activity" {
			f(obj)
		}
		if ctx, ok := s["context"].(map[string]any); ok {
			ca, _ := ctx["contextActivities"].(map[string]any)
			for _, kind := range contextActivityKinds {
				switch v := ca[kind].(type) {
				case []any:
					for _, a := range v {
						if m, ok := a.(map[string]any); ok {
							f(m)
						}
					}
				case map[string]any:
					f(v)
				}
			}
		}
		if obj != nil && obj["objectType"] == "SubStatement" && depth == 0 {
			walk(obj, 1)
		}
	}
	walk(st, 0)
}

// Canonical rewrites st in place for format=canonical: every Activity
// carries the LRS's canonical definition (defs, by Activity id: a JSON
// object) when it has one, else its own, and every language map of an
// Activity definition and every Verb display is cut down to the one language
// lang picks. Agents and Groups stay exactly as stored.
func Canonical(st map[string]any, defs map[string]string, lang *Languages) {
	eachActivity(st, func(a map[string]any) {
		id, _ := a["id"].(string)
		if d, ok := defs[id]; ok {
			var def map[string]any
			dec := json.NewDecoder(strings.NewReader(d))
			dec.UseNumber()
			if dec.Decode(&def) == nil {
				a["definition"] = def
			}
		}
		if def, ok := a["definition"].(map[string]any); ok {
			filterDefinition(def, lang)
		}
	})
	verbs := []map[string]any{st}
	if obj, ok := st["object"].(map[string]any); ok && obj["objectType"] == "SubStatement" {
		verbs = append(verbs, obj)
	}
	for _, s := range verbs {
		if v, ok := s["verb"].(map[string]any); ok {
			if d, ok := v["display"].(map[string]any); ok {
				v["display"] = lang.Pick(d)
			}
		}
	}
}

// filterDefinition cuts the language maps of an Activity definition (Data
// 2.4.4.1: name, description, and the description of every interaction
// component) to one language.
func filterDefinition(def map[string]any, lang *Languages) {
	for _, k := range [...]string{"name", "description"} {
		if m, ok := def[k].(map[string]any); ok {
			def[k] = lang.Pick(m)
		}
	}
	for _, k := range [...]string{"choices", "scale", "source", "target", "steps"} {
		list, _ := def[k].([]any)
		for _, c := range list {
			if cm, ok := c.(map[string]any); ok {
				if m, ok := cm["description"].(map[string]any); ok {
					cm["description"] = lang.Pick(m)
				}
			}
		}
	}
}

// Languages applies an Accept-Language header to one language map at a time
// (Communication 2.1.3 "Language Filtering Requirements for Canonical Format
// Statements"; 2.0.0: canonical maps shall hold one language). The spec
// requires the matching of RFC 2616 §14.4 (a range matches a tag equal to it
// or starting with it and a "-"), not the BCP 47 closeness matching of
// golang.org/x/text/language (which would, say, answer en-GB to en-AU ahead
// of an exact match on a later range), so the ranges are matched here.
type Languages struct {
	ranges []langRange // by preference: q descending, then header order
}

type langRange struct {
	tag string // lower case; "*" for any
	q   float64
}

// NewLanguages parses an Accept-Language header (RFC 2616 14.4). Malformed
// entries are ignored; q=0 means "not acceptable".
func NewLanguages(acceptLanguage string) *Languages {
	var l Languages
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		if tag == "" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		l.ranges = append(l.ranges, langRange{tag, q})
	}
	sort.SliceStable(l.ranges, func(i, j int) bool { return l.ranges[i].q > l.ranges[j].q })
	return &l
}

// Pick returns m with exactly one of its entries (m itself when it has at
// most one). The choice, for a map of language tags:
//  1. RFC 2616 matching in preference order: a range equal to a tag, or a
//     prefix of it followed by "-" ("en" matches "en-US"), or "*";
//  2. else a tag of the same primary language as a preferred range ("en-GB"
//     accepts "en-US"), in preference order;
//  3. else, the header matching nothing (or absent), the first English tag,
//     else the first tag, in sorted order: a stable answer is better than
//     none, since a canonical map must hold one language.
//
// Tags whose language the header refuses (q=0) are passed over in 1 and 2.
func (l *Languages) Pick(m map[string]any) map[string]any {
	if len(m) <= 1 {
		return m
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	one := func(k string) map[string]any { return map[string]any{k: m[k]} }
	refused := func(k string) bool {
		lk := strings.ToLower(k)
		for _, r := range l.ranges {
			if r.q == 0 && (r.tag == lk || strings.HasPrefix(lk, r.tag+"-")) {
				return true
			}
		}
		return false
	}
	for _, r := range l.ranges {
		if r.q == 0 {
			continue
		}
		for _, k := range keys {
			lk := strings.ToLower(k)
			if (r.tag == "*" || lk == r.tag || strings.HasPrefix(lk, r.tag+"-")) && !refused(k) {
				return one(k)
			}
		}
	}
	for _, r := range l.ranges {
		if r.q == 0 || r.tag == "*" {
			continue
		}
		base, _, _ := strings.Cut(r.tag, "-")
		for _, k := range keys {
			kb, _, _ := strings.Cut(strings.ToLower(k), "-")
			if kb == base && !refused(k) {
				return one(k)
			}
		}
	}
	for _, k := range keys {
		if kb, _, _ := strings.Cut(strings.ToLower(k), "-"); kb == "en" {
			return one(k)
		}
	}
	return one(keys[0])
}
