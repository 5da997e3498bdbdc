package xapi

import "bytes"

// contextActivityKinds are the properties of contextActivities (Data 2.4.6.2).
var contextActivityKinds = [...]string{"parent", "grouping", "category", "other"}

// ContextActivitiesAsArrays rewrites, in place, every value of the
// contextActivities of st (and of a SubStatement object) that is a single
// Activity Object into an array holding it (Data 2.4.6.2: "The LRS MUST
// return every value in the contextActivities Object as an array, even if it
// arrived as a single Activity Object"). It reports whether it changed
// anything. The two forms are the same statement: ContentHash does not tell
// them apart, so the same-id comparison and the signature check are
// unaffected.
func ContextActivitiesAsArrays(st Statement) bool {
	changed := contextActivitiesAsArrays(st)
	if obj, ok := st["object"].(map[string]any); ok && obj["objectType"] == "SubStatement" {
		changed = contextActivitiesAsArrays(obj) || changed
	}
	return changed
}

func contextActivitiesAsArrays(s map[string]any) bool {
	ctx, _ := s["context"].(map[string]any)
	ca, _ := ctx["contextActivities"].(map[string]any)
	changed := false
	for _, kind := range contextActivityKinds {
		if a, ok := ca[kind].(map[string]any); ok {
			ca[kind] = []any{a}
			changed = true
		}
	}
	return changed
}

// MayHaveSingleContextActivity is a fast check on a statement's JSON: false
// means no contextActivities value of it is a single Activity Object, so
// ContextActivitiesAsArrays would change nothing. It walks only the object
// following each "contextActivities" key, without decoding it; true can be a
// false alarm (such a key inside an extension), which costs only a decode.
func MayHaveSingleContextActivity(raw []byte) bool {
	key := []byte(`"contextActivities"`)
	for rest := raw; ; {
		i := bytes.Index(rest, key)
		if i < 0 {
			return false
		}
		rest = rest[i+len(key):]
		if hasObjectMember(rest) {
			return true
		}
	}
}

// hasObjectMember reports whether b holds, after a ':', an object one of
// whose member values is an object.
func hasObjectMember(b []byte) bool {
	b, ok := skipColon(b)
	if !ok || len(b) == 0 || b[0] != '{' {
		return false
	}
	depth, inString, valueNext := 0, false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case ':':
			valueNext = depth == 1
			continue
		case '"':
			inString = true
		case '{':
			if depth == 1 && valueNext {
				return true
			}
			depth++
		case '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return false
			}
		}
		valueNext = false
	}
	return false
}

// skipColon skips JSON whitespace, a ':' and whitespace again.
func skipColon(b []byte) ([]byte, bool) {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != ':' {
		return nil, false
	}
	return bytes.TrimLeft(b[1:], " \t\r\n"), true
}
