package xapi

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// baseStatement is a realistic ~1.3 KB statement that is valid under both
// versions; rule tests patch it.
const baseStatement = `{
  "id": "2a41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "timestamp": "2026-11-26T09:59:58.345+01:00",
  "actor": {"objectType": "Agent", "name": "Ada Lovelace", "mbox": "mailto:ada@Example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered", "fr": "a répondu"}},
  "object": {
    "objectType": "Activity",
    "id": "http://example.com/courses/algebra/quiz1/q3",
    "definition": {
      "name": {"en-US": "Question 3"},
      "description": {"en-US": "Which of these are prime numbers?"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
      "interactionType": "choice",
      "correctResponsesPattern": ["two[,]three"],
      "choices": [
        {"id": "two", "description": {"en-US": "2"}},
        {"id": "three", "description": {"en-US": "3"}},
        {"id": "four", "description": {"en-US": "4"}}
      ],
      "extensions": {"http://example.com/ext/difficulty": 3}
    }
  },
  "result": {
    "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
    "success": true,
    "completion": true,
    "response": "two[,]three",
    "duration": "PT1M3.25S",
    "extensions": {"http://example.com/ext/attempt": 2}
  },
  "context": {
    "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "instructor": {"name": "Alan Turing", "account": {"homePage": "http://lms.example.com", "name": "aturing"}},
    "team": {"objectType": "Group", "name": "Team B", "member": [{"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}, {"openid": "http://toby.openid.example.org/"}]},
    "contextActivities": {
      "parent": [{"id": "http://example.com/courses/algebra/quiz1", "objectType": "Activity"}],
      "grouping": [{"id": "http://example.com/courses/algebra"}],
      "category": [{"id": "http://example.com/profiles/quiz", "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}]
    },
    "revision": "2",
    "platform": "Example LMS",
    "language": "en-US",
    "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
    "extensions": {"http://example.com/ext/session": {"browser": "Firefox", "n": null}}
  }
}`

func mustDecode(t testing.TB, body string) Statement {
	t.Helper()
	s, err := DecodeStatement([]byte(body))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return s
}

// patched returns baseStatement with top-level keys of overrides replaced;
// a "-" key lists top-level properties to delete.
func patched(t testing.TB, overrides string) Statement {
	t.Helper()
	s := mustDecode(t, baseStatement)
	if overrides == "" {
		return s
	}
	o := mustDecode(t, overrides)
	for k, v := range o {
		if k == "-" {
			for _, d := range v.([]any) {
				delete(s, d.(string))
			}
			continue
		}
		s[k] = v
	}
	return s
}

// problemAt returns the problems of err (which must be a *ValidationError)
// and whether one of them is at path.
func problemAt(t *testing.T, err error, path string) ([]Problem, bool) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("errors.Is(err, ErrInvalid) = false")
	}
	for _, p := range ve.Problems {
		if p.Path == path {
			return ve.Problems, true
		}
	}
	return ve.Problems, false
}

func fixtures(t testing.TB, dir string) map[string]Statement {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", dir, err)
	}
	out := make(map[string]Statement, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = mustDecode(t, string(b))
	}
	return out
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
