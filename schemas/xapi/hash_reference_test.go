package xapi

// The content hash as it was computed before it was streamed (hash.go):
// the reference the streamed one must match byte for byte, since hashes
// stored by earlier builds are compared with new ones (409 or no change).

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// refContentHash returns the hex SHA-256 of a canonical form of s, for the
// same-id comparison of Data 2.3.1 ("Statement Comparison Requirements"):
// equal hashes mean the statements match; a conflict (409) otherwise. Call it
// before Finalize. Differences that the immutability exceptions of 2.3.1
// allow are ignored:
//
//   - id, stored, authority, version (assigned during LRS processing);
//   - attachments (not part of the Statement; a signed statement's JWS
//     payload is the statement before the signature Attachment was added);
//   - Activity Definitions and Verb "display" (not part of the Statement);
//   - timestamp serialization: compared as the UTC instant, to the
//     millisecond (Data 4.5 lets the LRS truncate to ms);
//   - Group member order (an unordered list);
//   - case of case-insensitive values: mbox domain, mbox_sha1sum hex,
//     UUIDs, language tags;
//   - contextActivities given as a single Activity rather than an array,
//     and omitted default objectTypes (Agent for actors, Activity for
//     activities);
//   - number spelling (1.0 vs 1 vs 1e0: the same JSON value);
//   - duration precision beyond 0.01 s (Data 4.6; "shall" in 2.0).
//
// Every other difference, including extension values and Agent names,
// changes the hash.
func refContentHash(s Statement) string {
	b, err := Marshal(refCanonStatement(s, false))
	if err != nil { // unreachable for decoded JSON; hash what we can
		b = []byte(err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func refCanonStatement(s map[string]any, sub bool) map[string]any {
	out := make(map[string]any, len(s))
	for k, v := range s {
		switch k {
		case "id", "stored", "authority", "version", "attachments":
			if !sub {
				continue
			}
			out[k] = refCanonValue(v)
		case "actor":
			out[k] = refCanonActor(v)
		case "verb":
			if m, ok := v.(map[string]any); ok {
				out[k] = map[string]any{"id": m["id"]}
			} else {
				out[k] = refCanonValue(v)
			}
		case "object":
			out[k] = refCanonObject(v)
		case "context":
			out[k] = refCanonContext(v)
		case "result":
			out[k] = refCanonResult(v)
		case "timestamp":
			out[k] = refCanonTimestamp(v)
		default:
			out[k] = refCanonValue(v)
		}
	}
	return out
}

func refCanonActor(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return refCanonValue(v)
	}
	out := make(map[string]any, len(m)+1)
	out["objectType"] = "Agent"
	for k, x := range m {
		switch k {
		case "mbox":
			if s, ok := x.(string); ok {
				out[k] = normalizeMbox(s)
				continue
			}
		case "mbox_sha1sum":
			if s, ok := x.(string); ok {
				out[k] = strings.ToLower(s)
				continue
			}
		case "member":
			if arr, ok := x.([]any); ok {
				out[k] = refSortedMembers(arr)
				continue
			}
		}
		out[k] = refCanonValue(x)
	}
	return out
}

// refSortedMembers canonicalises Group members and orders them by their
// canonical JSON, since member order carries no meaning.
func refSortedMembers(arr []any) []any {
	type kv struct {
		key string
		val any
	}
	tmp := make([]kv, len(arr))
	for i, e := range arr {
		c := refCanonActor(e)
		b, _ := json.Marshal(c)
		tmp[i] = kv{string(b), c}
	}
	slices.SortFunc(tmp, func(a, b kv) int { return strings.Compare(a.key, b.key) })
	out := make([]any, len(tmp))
	for i := range tmp {
		out[i] = tmp[i].val
	}
	return out
}

func refCanonObject(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return refCanonValue(v)
	}
	switch t, has := m["objectType"]; {
	case !has || t == "Activity":
		return refCanonActivity(m)
	case t == "Agent" || t == "Group":
		return refCanonActor(m)
	case t == "StatementRef":
		return refCanonStatementRef(m)
	case t == "SubStatement":
		return refCanonStatement(m, true)
	}
	return refCanonValue(m)
}

// refCanonActivity keeps only the Activity's identity: its definition is not
// part of the Statement (Data 2.3.1).
func refCanonActivity(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return refCanonValue(v)
	}
	return map[string]any{"objectType": "Activity", "id": m["id"]}
}

func refCanonStatementRef(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return refCanonValue(v)
	}
	out := refCanonValue(m).(map[string]any)
	if id, ok := m["id"].(string); ok {
		out["id"] = strings.ToLower(id)
	}
	return out
}

func refCanonContext(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return refCanonValue(v)
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		switch k {
		case "registration", "language":
			if s, ok := x.(string); ok {
				out[k] = strings.ToLower(s)
				continue
			}
		case "instructor", "team":
			out[k] = refCanonActor(x)
			continue
		case "statement":
			out[k] = refCanonStatementRef(x)
			continue
		case "contextActivities":
			if ca, ok := x.(map[string]any); ok {
				acts := make(map[string]any, len(ca))
				for kind, list := range ca {
					arr, isArr := list.([]any)
					if !isArr {
						arr = []any{list}
					}
					canon := make([]any, len(arr))
					for i, a := range arr {
						canon[i] = refCanonActivity(a)
					}
					acts[kind] = canon
				}
				out[k] = acts
				continue
			}
		case "contextAgents", "contextGroups":
			if arr, ok := x.([]any); ok {
				canon := make([]any, len(arr))
				for i, e := range arr {
					canon[i] = refCanonContextAgent(e)
				}
				out[k] = canon
				continue
			}
		}
		out[k] = refCanonValue(x)
	}
	return out
}

func refCanonContextAgent(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return refCanonValue(v)
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		if k == "agent" || k == "group" {
			out[k] = refCanonActor(x)
		} else {
			out[k] = refCanonValue(x)
		}
	}
	return out
}

func refCanonResult(v any) any {
	out := refCanonValue(v)
	m, ok := out.(map[string]any)
	if !ok {
		return out
	}
	if d, ok := m["duration"].(string); ok {
		m["duration"] = refTruncateDuration(d)
	}
	return m
}

// refTruncateDuration drops seconds digits beyond 0.01 s, never rounding
// ("PT1.2567S" → "PT1.25S"), and spells the fraction canonically ('.' as
// the separator, no trailing zeros: "PT1,20S" and "PT1.2S" compare equal);
// Data 4.6 and 9274.1.1 §4.2.7 exclude precision beyond 0.01 s from
// comparisons of durations and of statements holding them.
func refTruncateDuration(d string) string {
	if !strings.HasSuffix(d, "S") {
		return d
	}
	dot := strings.LastIndexAny(d, ".,")
	if dot < 0 {
		return d
	}
	frac := d[dot+1 : len(d)-1]
	if len(frac) > 2 {
		frac = frac[:2]
	}
	if frac = strings.TrimRight(frac, "0"); frac == "" {
		return d[:dot] + "S"
	}
	return d[:dot] + "." + frac + "S"
}

// refCanonTimestamp renders a timestamp as its UTC instant to the millisecond.
func refCanonTimestamp(v any) any {
	s, ok := v.(string)
	if !ok {
		return refCanonValue(v)
	}
	t, ok := parseTimestamp(s, false)
	if !ok {
		if t, ok = parseTimestamp(s, true); !ok {
			return s
		}
	}
	return t.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
}

// refCanonValue copies a JSON value with numbers in canonical form.
func refCanonValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = refCanonValue(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = refCanonValue(x)
		}
		return out
	case json.Number:
		return json.Number(refCanonNumber(string(t)))
	case float64:
		return json.Number(refCanonNumber(strconv.FormatFloat(t, 'g', -1, 64)))
	}
	return v
}

// refCanonNumber rewrites a JSON number exactly (no float rounding) as
// "[-]<digits>e<exp>" with no leading or trailing zeros in digits, or "0".
func refCanonNumber(s string) string {
	orig := s
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expStr, hasExp := strings.Cut(strings.ToLower(s), "e")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(strings.TrimPrefix(expStr, "+"))
		if err != nil {
			return orig
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	exp -= len(frac)
	digits = strings.TrimLeft(digits, "0")
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	if trimmed == "" {
		return "0"
	}
	out := trimmed + "e" + strconv.Itoa(exp)
	if neg {
		out = "-" + out
	}
	return out
}
