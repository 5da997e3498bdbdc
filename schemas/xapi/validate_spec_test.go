package xapi

import "strings"

// Rules added by the spec walk; run by TestValidateRejects/Accepts.
func init() {
	rejectCases = append(rejectCases, specRejectCases...)
	acceptCases = append(acceptCases, specAcceptCases...)
}

const (
	voidedVerb = `"verb":{"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}}`
	sigAttach  = `{"usageType":"http://adlnet.gov/expapi/attachments/signature","display":{"en-US":"Signature"},"length":4235,"sha2":"` + sha256hex + `",`
)

var specRejectCases = []ruleCase{
	// Data 2.3.2 voiding (2.0 §4.2.5)
	{"Data_2.3.2_voiding_object_must_be_StatementRef", nil, `{` + voidedVerb + `,"object":{"objectType":"Activity","id":"http://e.com/a"},` + noCtx + `}`, "$.object.objectType"},
	{"Data_2.3.2_voiding_object_default_Activity_rejected", nil, `{` + voidedVerb + `,"object":{"id":"http://e.com/a"},` + noCtx + `}`, "$.object"},
	{"Data_2.3.2_voiding_object_agent_rejected", nil, `{` + voidedVerb + `,"object":` + agentObj + `,` + noCtx + `}`, "$.object.objectType"},
	{"Data_2.3.2_voiding_object_substatement_rejected", nil, `{` + voidedVerb + `,"object":{"objectType":"SubStatement","actor":` + agentObj + `,"verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}},` + noCtx + `}`, "$.object.objectType"},
	{"Data_2.3.2_voiding_StatementRef_needs_id", nil, `{` + voidedVerb + `,"object":{"objectType":"StatementRef"},` + noCtx + `}`, "$.object.id"},
	// Data 2.6 signed statements (2.0 §4.2.6): statement shape only
	{"Data_2.6_signature_contentType_octet_stream", nil, `{"attachments":[` + sigAttach + `"contentType":"application/jose"}]}`, "$.attachments[0].contentType"},
	{"Data_2.6_signature_contentType_text_rejected", nil, `{"attachments":[{"usageType":"http://e.com/other","display":{"en":"x"},"contentType":"text/plain","length":1,"sha2":"` + sha256hex + `"},` + sigAttach + `"contentType":"text/plain"}]}`, "$.attachments[1].contentType"},
	// Data 2.4.2.3 mbox: "mailto:email address", one address
	{"Data_2.4.2.3_mbox_single_address_list_rejected", nil, `{"actor":{"mbox":"mailto:a@b.c,d@e.f"}}`, "$.actor.mbox"},
	{"Data_2.4.2.3_mbox_encoded_address_list_rejected", nil, `{"actor":{"mbox":"mailto:a@b.c%2Cd@e.f"}}`, "$.actor.mbox"},
	{"Data_2.4.2.3_mbox_header_fields_rejected", nil, `{"actor":{"mbox":"mailto:a@b.c?subject=hi"}}`, "$.actor.mbox"},
	// Data 4.3 IRIs: RFC 3987 grammar
	{"Data_4.3_IRI_bracket_outside_host", nil, `{"verb":{"id":"http://e.com/q[1]"}}`, "$.verb.id"},
	{"Data_4.3_IRI_second_fragment_delimiter", nil, `{"verb":{"id":"http://e.com/v#a#b"}}`, "$.verb.id"},
	{"Data_4.3_IRI_port_digits_only", nil, `{"verb":{"id":"http://e.com:80a/v"}}`, "$.verb.id"},
	{"Data_4.3_IRI_bad_ipv6_literal", nil, `{"verb":{"id":"http://[::g]/v"}}`, "$.verb.id"},
	{"Data_4.3_IRI_ipv6_zone_rejected", nil, `{"verb":{"id":"http://[fe80::1%25eth0]/v"}}`, "$.verb.id"},
	{"Data_4.3_IRI_noncharacter_rejected", nil, `{"verb":{"id":"http://e.com/\uFFFE"}}`, "$.verb.id"},
	{"Data_4.3_IRI_C1_control_rejected", nil, `{"verb":{"id":"http://e.com/\u0085"}}`, "$.verb.id"},
	{"Data_4.3_IRI_private_use_outside_query", nil, `{"verb":{"id":"http://e.com/\uE000"}}`, "$.verb.id"},
	{"Data_4.3_IRI_bad_host_char", nil, `{"object":{"id":"http://e!x^.com/a"}}`, "$.object.id"},
	{"Data_4.3_IRI_bad_percent_escape", nil, `{"object":{"id":"http://e.com/%zz"}}`, "$.object.id"},
	{"Data_4.1_extension_key_RFC3987", nil, `{"result":{"extensions":{"http://e.com/a b":1}}}`, `$.result.extensions["http://e.com/a b"]`},
}

var specAcceptCases = []ruleCase{
	// 9274.1.1 (2.0 notes §2.7 s9/s10) and Data 2.4.4.1: no limits on response patterns
	{"9274.1.1_s9_no_character_limit_on_response_patterns", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"fill-in","correctResponsesPattern":["{case_matters=true}{lang=en}` + strings.Repeat("x", 100000) + `"]}},"result":{"response":"` + strings.Repeat("y[,]", 50000) + `"}}`, ""},
	{"9274.1.1_s10_no_limit_on_correctResponsesPattern_length", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"choice","choices":[{"id":"a"}],"correctResponsesPattern":[` + strings.TrimSuffix(strings.Repeat(`"a",`, 10000), ",") + `]}}}`, ""},
	{"9274.1.1_s9_response_pattern_content_not_validated", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"numeric","correctResponsesPattern":["not[:]a{number","",""]}},"result":{"response":"any text [.] at all"}}`, ""},
	{"Data_4.3_IRI_ipv6_literal_port_userinfo", nil, `{"verb":{"id":"http://user:pw@[2001:db8::1]:8080/v?q=1#f"}}`, ""},
	{"Data_4.3_IRI_ipvfuture_literal", nil, `{"verb":{"id":"http://[v7.abc:1]/v"}}`, ""},
	{"Data_4.3_IRI_private_use_in_query", nil, `{"verb":{"id":"http://e.com/v?\uE000"}}`, ""},
	{"Data_4.3_IRI_urn_and_dot_segments", nil, `{"verb":{"id":"urn:x-example:verb:1"},"object":{"id":"http://example.com/path/../6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}`, ""},
	{"Data_4.3_IRI_unicode_host_and_fragment", nil, `{"verb":{"id":"http://bücher.example/v#ç?/"}}`, ""},
	{"Data_2.3.2_voiding_StatementRef_accepted", nil, `{` + voidedVerb + `,"object":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},` + noCtx + `}`, ""},
	{"Data_2.3.2_voided_verb_in_substatement_not_voiding", nil, `{"object":{"objectType":"SubStatement","actor":` + agentObj + `,` + voidedVerb + `,"object":{"id":"http://e.com/a"}},` + noCtx + `}`, ""},
	{"Data_2.6_signature_contentType_case_and_params", nil, `{"attachments":[` + sigAttach + `"contentType":"Application/Octet-Stream; x=y"}]}`, ""},
}
