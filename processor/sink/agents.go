package sink

import (
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// AgentName is one name a statement gives an Agent or Identified Group.
type AgentName = store.AgentName

// AgentNames collects every (IFI key, name) pair of st, for the Agents
// resource (Communication 2.4, Person object): the actor, an Agent or Group
// object, the authority, context instructor and team, the 2.0
// contextAgents[].agent and contextGroups[].group, the members of every Group
// among these, and the same places inside a SubStatement object. Agents
// without a name or without an IFI (Anonymous Groups, whose members still
// count) contribute nothing. Each pair appears once, in first-seen order.
func AgentNames(st xapi.Statement) []AgentName {
	var out []AgentName
	seen := map[AgentName]bool{}
	var add func(v any)
	add = func(v any) {
		a, ok := v.(map[string]any)
		if !ok {
			return
		}
		switch a["objectType"] {
		case nil, "Agent", "Group":
		default:
			return
		}
		if name, ok := a["name"].(string); ok && name != "" {
			if key, ok := xapi.AgentKey(a); ok {
				if n := (AgentName{Key: key, Name: name}); !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
		if members, ok := a["member"].([]any); ok {
			for _, m := range members {
				add(m)
			}
		}
	}
	var walk func(s map[string]any, depth int)
	walk = func(s map[string]any, depth int) {
		add(s["actor"])
		obj, _ := s["object"].(map[string]any)
		if obj != nil {
			switch obj["objectType"] {
			case "Agent", "Group":
				add(obj)
			case "SubStatement":
				if depth == 0 {
					walk(obj, 1)
				}
			}
		}
		if depth == 0 {
			add(s["authority"])
		}
		if ctx, ok := s["context"].(map[string]any); ok {
			add(ctx["instructor"])
			add(ctx["team"])
			if cas, ok := ctx["contextAgents"].([]any); ok {
				for _, ca := range cas {
					if m, ok := ca.(map[string]any); ok {
						add(m["agent"])
					}
				}
			}
			if cgs, ok := ctx["contextGroups"].([]any); ok {
				for _, cg := range cgs {
					if m, ok := cg.(map[string]any); ok {
						add(m["group"])
					}
				}
			}
		}
	}
	if st != nil {
		walk(st, 0)
	}
	return out
}
