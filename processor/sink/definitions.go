package sink

import (
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// activityDefinitions collects the definition of every Activity in st that
// carries one: the object, the context activities (object or array form), and
// the same places inside a SubStatement object. Each definition is compact
// JSON with sorted keys. An Activity given twice with a definition is kept
// once, with the last definition in that order.
func activityDefinitions(st xapi.Statement) []store.ActivityDefinition {
	var out []store.ActivityDefinition
	at := map[string]int{}
	add := func(v any) {
		a, ok := v.(map[string]any)
		if !ok {
			return
		}
		if t, has := a["objectType"]; has && t != "Activity" {
			return
		}
		id, _ := a["id"].(string)
		def, ok := a["definition"].(map[string]any)
		if id == "" || !ok {
			return
		}
		b, err := xapi.Marshal(def)
		if err != nil {
			return
		}
		if i, seen := at[id]; seen {
			out[i].Definition = string(b)
			return
		}
		at[id] = len(out)
		out = append(out, store.ActivityDefinition{ID: id, Definition: string(b)})
	}
	var walk func(s map[string]any, depth int)
	walk = func(s map[string]any, depth int) {
		obj, _ := s["object"].(map[string]any)
		add(obj)
		if ctx, ok := s["context"].(map[string]any); ok {
			ca, _ := ctx["contextActivities"].(map[string]any)
			for _, kind := range [...]string{"parent", "grouping", "category", "other"} {
				switch v := ca[kind].(type) {
				case []any:
					for _, a := range v {
						add(a)
					}
				case map[string]any:
					add(v)
				}
			}
		}
		if obj != nil && obj["objectType"] == "SubStatement" && depth == 0 {
			walk(obj, 1)
		}
	}
	walk(st, 0)
	return out
}
