package xapi

import "testing"

// TestContentHash: Data 2.3.1 Statement Comparison Requirements.
func TestContentHash(t *testing.T) {
	base := ContentHash(patched(t, ""))
	same := []struct{ name, patch string }{
		{"ignores_id", `{"id":"11111111-1111-4111-8111-111111111111"}`},
		{"ignores_stored_authority_version", `{"stored":"2030-01-01T00:00:00Z","authority":{"mbox":"mailto:x@y.z"},"version":"1.0.0"}`},
		{"ignores_attachments", `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text/plain","length":1,"sha2":"` + sha256hex + `"}]}`},
		{"timestamp_as_instant", `{"timestamp":"2026-11-26T08:59:58.345Z"}`},
		{"timestamp_offset_form", `{"timestamp":"2026-11-26T10:29:58.345+01:30"}`},
		{"timestamp_sub_ms_precision", `{"timestamp":"2026-11-26T08:59:58.3459Z"}`},
		{"mbox_domain_case", `{"actor":{"objectType":"Agent","name":"Ada Lovelace","mbox":"mailto:ada@EXAMPLE.com"}}`},
		{"actor_default_objectType", `{"actor":{"name":"Ada Lovelace","mbox":"mailto:ada@example.com"}}`},
		{"verb_display", `{"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"}}`},
		{"activity_definition", `{"object":{"id":"http://example.com/courses/algebra/quiz1/q3"}}`},
		{"duration_beyond_0.01s", `{"result":{"score":{"scaled":0.85,"raw":85,"min":0,"max":100},"success":true,"completion":true,"response":"two[,]three","duration":"PT1M3.2599S","extensions":{"http://example.com/ext/attempt":2}}}`},
		{"number_spelling", `{"result":{"score":{"scaled":0.850,"raw":8.5e1,"min":0.0,"max":100},"success":true,"completion":true,"response":"two[,]three","duration":"PT1M3.25S","extensions":{"http://example.com/ext/attempt":2.0}}}`},
		{"group_member_order", `{"context":` + ctxWith(`"team":{"objectType":"Group","name":"Team B","member":[{"openid":"http://toby.openid.example.org/"},{"mbox_sha1sum":"EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}]}`) + `}`},
		{"context_activity_single_object", `{"context":` + ctxWith(`"contextActivities":{"parent":{"id":"http://example.com/courses/algebra/quiz1"},"grouping":[{"id":"http://example.com/courses/algebra"}],"category":[{"id":"http://example.com/profiles/quiz"}]}`) + `}`},
		{"uuid_case", `{"context":` + ctxWith(`"registration":"EC531277-B57B-4C15-8D91-D292C5B2B8F7"`) + `}`},
	}
	for _, c := range same {
		t.Run("Data_2.3.1_"+c.name, func(t *testing.T) {
			if got := ContentHash(patched(t, c.patch)); got != base {
				t.Fatalf("hash changed: %s != %s", got, base)
			}
		})
	}
	differ := []struct{ name, patch string }{
		{"actor", `{"actor":{"mbox":"mailto:bob@example.com"}}`},
		{"actor_name", `{"actor":{"name":"Ada","mbox":"mailto:ada@example.com"}}`},
		{"mbox_local_part_case", `{"actor":{"objectType":"Agent","name":"Ada Lovelace","mbox":"mailto:ADA@example.com"}}`},
		{"verb_id", `{"verb":{"id":"http://adlnet.gov/expapi/verbs/attempted"}}`},
		{"object_id", `{"object":{"id":"http://example.com/other"}}`},
		{"timestamp_instant", `{"timestamp":"2026-11-26T09:59:58.345Z"}`},
		{"missing_timestamp", `{"-":["timestamp"]}`},
		{"result_score", `{"result":{"score":{"scaled":0.86}}}`},
		{"duration_at_0.01s", `{"result":{"score":{"scaled":0.85,"raw":85,"min":0,"max":100},"success":true,"completion":true,"response":"two[,]three","duration":"PT1M3.26S","extensions":{"http://example.com/ext/attempt":2}}}`},
		{"extension_value", `{"context":` + ctxWith(`"extensions":{"http://example.com/ext/session":{"browser":"Chrome","n":null}}`) + `}`},
		{"registration", `{"context":` + ctxWith(`"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f8"`) + `}`},
		{"team_member_removed", `{"context":` + ctxWith(`"team":{"objectType":"Group","name":"Team B","member":[{"openid":"http://toby.openid.example.org/"}]}`) + `}`},
	}
	for _, c := range differ {
		t.Run("Data_2.3.1_differs_"+c.name, func(t *testing.T) {
			if got := ContentHash(patched(t, c.patch)); got == base {
				t.Fatal("hash did not change")
			}
		})
	}
}

// ctxWith returns the base statement's context with one property replaced.
func ctxWith(prop string) string {
	const rest = `"instructor": {"name": "Alan Turing", "account": {"homePage": "http://lms.example.com", "name": "aturing"}},
    "revision": "2", "platform": "Example LMS", "language": "en-US",
    "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}`
	all := map[string]string{
		"registration":      `"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"`,
		"team":              `"team": {"objectType": "Group", "name": "Team B", "member": [{"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}, {"openid": "http://toby.openid.example.org/"}]}`,
		"contextActivities": `"contextActivities": {"parent": [{"id": "http://example.com/courses/algebra/quiz1", "objectType": "Activity"}], "grouping": [{"id": "http://example.com/courses/algebra"}], "category": [{"id": "http://example.com/profiles/quiz", "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}]}`,
		"extensions":        `"extensions": {"http://example.com/ext/session": {"browser": "Firefox", "n": null}}`,
	}
	out := "{" + rest
	for k, v := range all {
		if len(prop) > len(k)+2 && prop[1:len(k)+1] == k {
			v = prop
		}
		out += "," + v
	}
	return out + "}"
}

func TestCanonNumber(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0.0": "0", "1": "1e0", "1.0": "1e0", "10": "1e1", "100e-2": "1e0",
		"0.85": "85e-2", "-2.50": "-25e-1", "1E+3": "1e3", "123456789012345678901": "123456789012345678901e0",
	} {
		if got := string(appendCanonNumber(nil, in)); got != want {
			t.Errorf("appendCanonNumber(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestDurationComparison: Data 4.6 / 9274.1.1 §4.2.7 — precision beyond
// 0.01 s is not part of a comparison; truncation, never rounding.
func TestDurationComparison(t *testing.T) {
	for _, c := range []struct {
		name, a, b string
		equal      bool
	}{
		{"Data_4.6_duration_compare_ignores_below_0.01s", "PT1.2567S", "PT1.25S", true},
		{"Data_4.6_duration_compare_truncates_never_rounds", "PT1.259S", "PT1.26S", false},
		{"Data_4.6_duration_compare_signed_CTS_case", "P1DT12H36M0.1237S", "P1DT12H36M0.12S", true},
		{"Data_4.6_duration_compare_trailing_zeros", "PT1.20S", "PT1.2S", true},
		{"Data_4.6_duration_compare_zero_fraction", "PT1.000S", "PT1S", true},
		{"Data_4.6_duration_compare_comma_separator", "PT1,25S", "PT1.25S", true},
		{"Data_4.6_duration_compare_0.01s_counts", "PT1.25S", "PT1.26S", false},
		{"Data_4.6_duration_compare_non_seconds_fraction_kept", "PT1.5M", "PT1.55M", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := truncateDuration(c.a) == truncateDuration(c.b); got != c.equal {
				t.Fatalf("%s vs %s: equal = %v (%q, %q)", c.a, c.b, got, truncateDuration(c.a), truncateDuration(c.b))
			}
		})
	}
}

// TestIRIComparison: 9274.1.1 §4.2.7 (2.0 notes §2.7 s17/s18) allows only
// RFC 3987 §5.3.1 simple string comparison and §5.3.2 syntax-based
// normalisation; ContentHash uses §5.3.1, so no scheme- or protocol-based
// equivalence (default ports, http vs https) is ever applied.
func TestIRIComparison(t *testing.T) {
	base := ContentHash(patched(t, `{"verb":{"id":"http://example.com/v"}}`))
	for name, id := range map[string]string{
		"9274.1.1_4.2.7_IRI_no_scheme_based_normalisation_port": "http://example.com:80/v",
		"9274.1.1_4.2.7_IRI_no_scheme_based_normalisation_tls":  "https://example.com/v",
	} {
		t.Run(name, func(t *testing.T) {
			if ContentHash(patched(t, `{"verb":{"id":"`+id+`"}}`)) == base {
				t.Fatalf("%s compared equal to http://example.com/v", id)
			}
		})
	}
	t.Run("9274.1.1_4.2.7_IRI_simple_string_comparison", func(t *testing.T) {
		if ContentHash(patched(t, `{"verb":{"id":"http://example.com/v"}}`)) != base {
			t.Fatal("identical IRIs compared different")
		}
	})
}
