package xapi

import (
	"slices"
	"strings"
	"time"
)

// The canonical definition of an Activity holds "all available information
// from any statements that target that activityId" (Communication 2.5), so
// it is a merge of every definition stored for it, not the last one. The
// store keeps definitions as parts, each replaced on its own by a later
// statement:
//
//   - each language of name and description (language tags compared
//     case-insensitively), and each extension key;
//   - each other property as a whole: type, moreInfo, interactionType,
//     correctResponsesPattern, and the component lists choices, scale,
//     source, target and steps.
//
// For each part the most recently stored value wins. A component list that
// the winning interactionType does not support (Data 2.4.4.1 Interaction
// Components; left by an older definition of another type) is left out, so
// the merged definition is a valid one.

// WholeDefinition is the Field of a part holding a whole definition (stored
// before definitions were kept as parts): it counts as every part it holds,
// each with its stored time.
const WholeDefinition = ""

// DefinitionPart is one part of an Activity definition.
type DefinitionPart struct {
	// Field is the definition property the part belongs to, or
	// WholeDefinition.
	Field string
	// Key tells apart the entries of a map property: the lower-cased language
	// tag for name and description, the extension IRI for extensions; "" for
	// other properties. Whole definitions are told apart by the store (see
	// migration 0011); their key plays no part in the merge.
	Key string
	// Value is JSON: an object holding the one entry for a map property, the
	// property's value otherwise (the definition object for WholeDefinition).
	Value string
}

// StoredDefinitionPart is a DefinitionPart with the time the statement that
// gave it was stored.
type StoredDefinitionPart struct {
	DefinitionPart
	Stored time.Time
}

// mapFields are the definition properties merged entry by entry.
var mapFields = [...]string{"name", "description", "extensions"}

// componentLists are the interaction component lists of a definition.
var componentLists = [...]string{"choices", "scale", "source", "target", "steps"}

// DefinitionParts splits an Activity definition into its parts, in a stable
// order (properties and entries sorted by key). The values are encoded into
// one buffer, so the parts of a definition share one string.
func DefinitionParts(def map[string]any) ([]DefinitionPart, error) {
	type span struct{ from, to int }
	var small [16]string
	fields := sortedKeys(def, small[:0])
	out := make([]DefinitionPart, 0, len(fields)+2)
	var spans []span
	var buf []byte
	for _, field := range fields {
		v := def[field]
		m, isMap := v.(map[string]any)
		if !isMap || !slices.Contains(mapFields[:], field) {
			from := len(buf)
			var err error
			if buf, err = appendJSON(buf, v); err != nil {
				return nil, err
			}
			out = append(out, DefinitionPart{Field: field})
			spans = append(spans, span{from, len(buf)})
			continue
		}
		var smallKeys [16]string
		for _, k := range sortedKeys(m, smallKeys[:0]) {
			key := k
			if field != "extensions" {
				key = strings.ToLower(k) // RFC 5646: tags are case-insensitive
			}
			// The value is the map holding the one entry, as appendJSON writes it.
			from := len(buf)
			buf = appendString(append(buf, '{'), k)
			var err error
			if buf, err = appendJSON(append(buf, ':'), m[k]); err != nil {
				return nil, err
			}
			buf = append(buf, '}')
			out = append(out, DefinitionPart{Field: field, Key: key})
			spans = append(spans, span{from, len(buf)})
		}
	}
	values := string(buf)
	for i, sp := range spans {
		out[i].Value = values[sp.from:sp.to]
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// sortedKeys appends the keys of m to keys and sorts them.
func sortedKeys(m map[string]any, keys []string) []string {
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// eachPart calls f for every part of def, in sorted order. The value of a
// map property's part is a map holding the one entry.
func eachPart(def map[string]any, f func(field, key string, value any)) {
	fields := make([]string, 0, len(def))
	for k := range def {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	for _, field := range fields {
		v := def[field]
		m, isMap := v.(map[string]any)
		if !isMap || !slices.Contains(mapFields[:], field) {
			f(field, "", v)
			continue
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			key := k
			if field != "extensions" {
				key = strings.ToLower(k) // RFC 5646: tags are case-insensitive
			}
			f(field, key, map[string]any{k: m[k]})
		}
	}
}

// MergeDefinition assembles the canonical definition from the stored parts
// of one Activity by the rule above. Among parts stored at the same time a
// part wins over a whole definition. A part whose value does not decode is
// skipped. It returns nil when no part is left.
func MergeDefinition(parts []StoredDefinitionPart) map[string]any {
	type pick struct {
		value  any
		stored time.Time
		whole  bool
	}
	best := map[[2]string]pick{}
	consider := func(field, key string, value any, stored time.Time, whole bool) {
		k := [2]string{field, key}
		if cur, ok := best[k]; ok && (cur.stored.After(stored) || cur.stored.Equal(stored) && whole && !cur.whole) {
			return
		}
		best[k] = pick{value, stored, whole}
	}
	for _, p := range parts {
		v, err := decodeValue([]byte(p.Value))
		if err != nil {
			continue
		}
		if p.Field != WholeDefinition {
			consider(p.Field, p.Key, v, p.Stored, false)
			continue
		}
		if def, ok := v.(map[string]any); ok {
			eachPart(def, func(field, key string, value any) { consider(field, key, value, p.Stored, true) })
		}
	}
	if len(best) == 0 {
		return nil
	}
	def := make(map[string]any, len(best))
	for k, p := range best {
		field := k[0]
		entry, isEntry := p.value.(map[string]any)
		if !slices.Contains(mapFields[:], field) || !isEntry || k[1] == "" {
			def[field] = p.value
			continue
		}
		m, _ := def[field].(map[string]any)
		if m == nil {
			m = map[string]any{}
			def[field] = m
		}
		for tag, v := range entry {
			m[tag] = v
		}
	}
	it, _ := def["interactionType"].(string)
	for _, list := range componentLists {
		if _, has := def[list]; has && !slices.Contains(interactionLists[it], list) {
			delete(def, list)
		}
	}
	if _, has := def["interactionType"]; !has {
		delete(def, "correctResponsesPattern")
	}
	return def
}
