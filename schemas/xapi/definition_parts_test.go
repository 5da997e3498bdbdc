package xapi

import (
	"reflect"
	"testing"
	"time"
)

// storedParts splits each definition (JSON) into parts stored at t0 + i s.
func storedParts(t *testing.T, t0 time.Time, defs ...string) []StoredDefinitionPart {
	t.Helper()
	var out []StoredDefinitionPart
	for i, d := range defs {
		parts, err := DefinitionParts(mustDecode(t, d))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range parts {
			out = append(out, StoredDefinitionPart{DefinitionPart: p, Stored: t0.Add(time.Duration(i) * time.Second)})
		}
	}
	return out
}

// Communication 2.5: the canonical definition holds all available
// information from every statement that defined the Activity. The merge rule:
// per language of name and description, per extension key, and per other
// property, the most recently stored value wins; component lists the winning
// interactionType does not support are left out.
func TestComm2_5_DefinitionMergeRule(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		defs []string // oldest first
		want string
	}{
		{"languages from every statement, latest per language",
			[]string{`{"name":{"en-GB":"Colour","en-US":"Color"}}`, `{"name":{"en-GB":"Colour (new)","fr-FR":"Couleur"}}`},
			`{"name":{"en-GB":"Colour (new)","en-US":"Color","fr-FR":"Couleur"}}`},
		{"language tags compared case-insensitively",
			[]string{`{"description":{"en-us":"old"}}`, `{"description":{"en-US":"new"}}`},
			`{"description":{"en-US":"new"}}`},
		{"other properties: latest wins, absent ones kept",
			[]string{`{"type":"http://t/old","moreInfo":"http://m/old","extensions":{"http://x/a":1,"http://x/b":{"k":[1.0]}}}`,
				`{"type":"http://t/new","extensions":{"http://x/a":2}}`},
			`{"extensions":{"http://x/a":2,"http://x/b":{"k":[1.0]}},"moreInfo":"http://m/old","type":"http://t/new"}`},
		{"interaction: component lists of another interactionType left out",
			[]string{`{"interactionType":"choice","choices":[{"id":"a"}],"correctResponsesPattern":["a"]}`,
				`{"interactionType":"likert","scale":[{"id":"1"}]}`},
			`{"correctResponsesPattern":["a"],"interactionType":"likert","scale":[{"id":"1"}]}`},
		{"interaction: lists kept when a later statement repeats the type",
			[]string{`{"interactionType":"choice","choices":[{"id":"a"}]}`, `{"interactionType":"choice","name":{"en":"Q"}}`},
			`{"choices":[{"id":"a"}],"interactionType":"choice","name":{"en":"Q"}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			parts := storedParts(t, t0, c.defs...)
			if got := toJSON(t, MergeDefinition(parts)); got != toJSON(t, mustDecode(t, c.want)) {
				t.Errorf("merged\n got %s\nwant %s", got, c.want)
			}
			// The order the store returns the parts in does not matter.
			for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
				parts[i], parts[j] = parts[j], parts[i]
			}
			if got := toJSON(t, MergeDefinition(parts)); got != toJSON(t, mustDecode(t, c.want)) {
				t.Errorf("merged in reverse order\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

// A whole definition (stored before definitions were kept as parts) counts
// as each of its parts, with its stored time.
func TestComm2_5_WholeDefinitionMergesPerPart(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	whole := StoredDefinitionPart{DefinitionPart: DefinitionPart{Field: WholeDefinition,
		Value: `{"name":{"en-GB":"Colour","en-US":"Color"},"type":"http://t/old"}`}, Stored: t0}
	parts := append([]StoredDefinitionPart{whole}, storedParts(t, t0.Add(time.Minute), `{"name":{"en-GB":"Colour (new)","fr-FR":"Couleur"}}`)...)
	want := `{"name":{"en-GB":"Colour (new)","en-US":"Color","fr-FR":"Couleur"},"type":"http://t/old"}`
	if got := toJSON(t, MergeDefinition(parts)); got != toJSON(t, mustDecode(t, want)) {
		t.Errorf("merged\n got %s\nwant %s", got, want)
	}
	newer := whole
	newer.Stored = t0.Add(time.Hour)
	parts = append(parts, newer)
	want = `{"name":{"en-GB":"Colour","en-US":"Color","fr-FR":"Couleur"},"type":"http://t/old"}`
	if got := toJSON(t, MergeDefinition(parts)); got != toJSON(t, mustDecode(t, want)) {
		t.Errorf("a newer whole definition\n got %s\nwant %s", got, want)
	}
	if MergeDefinition(nil) != nil || MergeDefinition([]StoredDefinitionPart{{DefinitionPart: DefinitionPart{Field: "name", Key: "en", Value: "{"}}}) != nil {
		t.Error("no usable part must give no definition")
	}
}

// The parts of a definition: map properties entry by entry (language tags
// lower-cased in the key, spelled as given in the value), the rest whole,
// numbers as received.
func TestDefinitionParts(t *testing.T) {
	parts, err := DefinitionParts(mustDecode(t, `{"type":"http://t","name":{"en-US":"A","de":"B"},"extensions":{"http://X/e":1.50},"choices":[{"id":"a"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []DefinitionPart{
		{"choices", "", `[{"id":"a"}]`},
		{"extensions", "http://X/e", `{"http://X/e":1.50}`},
		{"name", "de", `{"de":"B"}`},
		{"name", "en-us", `{"en-US":"A"}`},
		{"type", "", `"http://t"`},
	}
	if len(parts) != len(want) {
		t.Fatalf("parts %v, want %v", parts, want)
	}
	for i := range want {
		if parts[i] != want[i] {
			t.Errorf("part %d = %v, want %v", i, parts[i], want[i])
		}
	}
}

// TestDefinitionPartsMatchEachPart: the parts are those eachPart (the merge's
// own split) yields, each value encoded as Marshal encodes it, for every
// definition of the Data examples and a few odd ones.
func TestDefinitionPartsMatchEachPart(t *testing.T) {
	defs := []map[string]any{
		mustDecode(t, `{}`),
		mustDecode(t, `{"name":{},"description":"not a map","extensions":{"http://e/2":null,"http://e/1":{"z":[1,2.50]}},"scale":[{"id":"1","description":{"en-US":"<&>"}}]}`),
		mustDecode(t, `{"name":{"EN-gb":"é \u2028 \"q\"","en-GB":"x"},"moreInfo":"http://m","interactionType":"likert","correctResponsesPattern":["1"]}`),
	}
	for _, st := range fixtures(t, "valid") {
		if obj, ok := st["object"].(map[string]any); ok {
			if def, ok := obj["definition"].(map[string]any); ok {
				defs = append(defs, def)
			}
		}
	}
	for _, def := range defs {
		var want []DefinitionPart
		eachPart(def, func(field, key string, value any) {
			b, err := appendJSON(nil, value)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, DefinitionPart{Field: field, Key: key, Value: string(b)})
		})
		got, err := DefinitionParts(def)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("DefinitionParts(%v)\n got %v\nwant %v", def, got, want)
		}
	}
}
