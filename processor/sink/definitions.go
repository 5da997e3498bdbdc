package sink

import (
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// definitionParts collects the parts (xapi.DefinitionParts) of the
// definition of every Activity in st that carries one: the object, the
// context activities (object or array form), and the same places inside a
// SubStatement object. Within the statement the merge rule of canonical
// definitions applies already: an Activity given twice keeps, per part, the
// value given last in that order, so the insert holds each part once.
func definitionParts(st xapi.Statement) []store.DefinitionPart {
	var out []store.DefinitionPart
	at := map[[3]string]int{}
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
		parts, err := xapi.DefinitionParts(def)
		if err != nil {
			return
		}
		for _, p := range parts {
			k := [3]string{id, p.Field, p.Key}
			if i, seen := at[k]; seen {
				out[i].Value = p.Value
				continue
			}
			at[k] = len(out)
			out = append(out, store.DefinitionPart{ActivityID: id, Field: p.Field, Key: p.Key, Value: p.Value})
		}
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
