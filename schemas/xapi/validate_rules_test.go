package xapi

import (
	"strings"
	"testing"
)

var both = []Version{V103, V200}

type ruleCase struct {
	name     string
	versions []Version // nil: both
	patch    string
	path     string // a problem must be reported here
}

const (
	agentObj = `{"objectType":"Agent","mbox":"mailto:bob@example.com"}`
	noCtx    = `"-":["context"]`
	// oauthConsumer is the OAuth consumer of a 3-legged OAuth authority
	// (Data 2.4.9: identified by account, named by the consumer key).
	oauthConsumer = `{"objectType":"Agent","account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}}`
)

// rejectCases: one case per rejection rule; test names carry the section.
var rejectCases = []ruleCase{
	// Data 2.2 formatting
	{"Data_2.2_null_value_rejected", nil, `{"result":{"success":null}}`, "$.result.success"},
	{"Data_2.2_top_level_null_rejected", nil, `{"timestamp":null}`, "$.timestamp"},
	{"Data_2.2_additional_property_rejected", nil, `{"foo":1}`, "$.foo"},
	{"Data_2.2_additional_property_in_verb", nil, `{"verb":{"id":"http://e.com/v","foo":"x"}}`, "$.verb.foo"},
	{"Data_2.2_key_case_must_match", nil, `{"Verb":{"id":"http://e.com/v"}}`, "$.Verb"},
	{"Data_2.2_string_where_boolean_required", nil, `{"result":{"success":"true"}}`, "$.result.success"},
	{"Data_2.2_string_where_number_required", nil, `{"result":{"score":{"scaled":"0.5"}}}`, "$.result.score.scaled"},
	{"Data_2.2_objectType_case_must_match", nil, `{"object":{"objectType":"activity","id":"http://e.com/a"}}`, "$.object.objectType"},
	// Data 2.4 required properties
	{"Data_2.4_actor_required", nil, `{"-":["actor"]}`, "$.actor"},
	{"Data_2.4_verb_required", nil, `{"-":["verb"]}`, "$.verb"},
	{"Data_2.4_object_required", nil, `{"-":["object","context"]}`, "$.object"},
	{"Data_2.4_objectType_not_a_statement_property", nil, `{"objectType":"Statement"}`, "$.objectType"},
	// Data 2.4.1 id
	{"Data_2.4.1_id_must_be_uuid", nil, `{"id":"not-a-uuid"}`, "$.id"},
	{"Data_2.4.1_id_urn_form_rejected", nil, `{"id":"urn:uuid:2a41c918-b88b-4b20-a0a5-a4c32391aaa0"}`, "$.id"},
	{"Data_2.4.1_id_must_be_string", nil, `{"id":12}`, "$.id"},
	// Data 2.4.2 actor
	{"Data_2.4.2_actor_must_be_object", nil, `{"actor":"mailto:a@b.c"}`, "$.actor"},
	{"Data_2.4.2_actor_objectType_enum", nil, `{"actor":{"objectType":"Person","mbox":"mailto:a@b.c"}}`, "$.actor.objectType"},
	{"Data_2.4.2.1_agent_needs_an_IFI", nil, `{"actor":{"name":"x"}}`, "$.actor"},
	{"Data_2.4.2.1_agent_at_most_one_IFI", nil, `{"actor":{"mbox":"mailto:a@b.c","openid":"http://a.example/"}}`, "$.actor"},
	{"Data_2.4.2.1_agent_member_not_allowed", nil, `{"actor":{"mbox":"mailto:a@b.c","member":[]}}`, "$.actor.member"},
	{"Data_2.4.2.1_agent_name_must_be_string", nil, `{"actor":{"mbox":"mailto:a@b.c","name":7}}`, "$.actor.name"},
	{"Data_2.4.2.2_anonymous_group_needs_member", nil, `{"actor":{"objectType":"Group","name":"g"}}`, "$.actor"},
	{"Data_2.4.2.2_anonymous_group_empty_member", nil, `{"actor":{"objectType":"Group","member":[]}}`, "$.actor"},
	{"Data_2.4.2.2_group_member_must_not_be_group", nil, `{"actor":{"objectType":"Group","member":[{"objectType":"Group","mbox":"mailto:g@b.c"}]}}`, "$.actor.member[0].objectType"},
	{"Data_2.4.2.2_identified_group_member_must_not_be_group", nil, `{"actor":{"objectType":"Group","mbox":"mailto:g@b.c","member":[{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]}]}}`, "$.actor.member[0].objectType"},
	{"Data_2.4.2.2_identified_group_one_IFI", nil, `{"actor":{"objectType":"Group","mbox":"mailto:g@b.c","openid":"http://g.example/"}}`, "$.actor"},
	{"Data_2.4.2.2_group_member_must_be_array", nil, `{"actor":{"objectType":"Group","member":{"mbox":"mailto:a@b.c"}}}`, "$.actor.member"},
	{"Data_2.4.2.2_group_member_invalid_agent", nil, `{"actor":{"objectType":"Group","member":[{"mbox":"a@b.c"}]}}`, "$.actor.member[0].mbox"},
	{"Data_2.4.2.3_mbox_must_be_mailto", nil, `{"actor":{"mbox":"ada@example.com"}}`, "$.actor.mbox"},
	{"Data_2.4.2.3_mbox_needs_address", nil, `{"actor":{"mbox":"mailto:ada"}}`, "$.actor.mbox"},
	{"Data_2.4.2.3_mbox_sha1sum_40_hex", nil, `{"actor":{"mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee"}}`, "$.actor.mbox_sha1sum"},
	{"Data_2.4.2.3_mbox_sha1sum_hex_only", nil, `{"actor":{"mbox_sha1sum":"zbd31e95054c018b10727ccffd2ef2ec3a016ee9"}}`, "$.actor.mbox_sha1sum"},
	{"Data_2.4.2.3_openid_must_be_uri", nil, `{"actor":{"openid":"toby.openid.example.org"}}`, "$.actor.openid"},
	{"Data_2.4.2.4_account_homePage_required", nil, `{"actor":{"account":{"name":"x"}}}`, "$.actor.account.homePage"},
	{"Data_2.4.2.4_account_name_required", nil, `{"actor":{"account":{"homePage":"http://e.com"}}}`, "$.actor.account.name"},
	{"Data_2.4.2.4_account_homePage_must_be_IRL", nil, `{"actor":{"account":{"homePage":"e.com","name":"x"}}}`, "$.actor.account.homePage"},
	{"Data_2.4.2.4_account_additional_property", nil, `{"actor":{"account":{"homePage":"http://e.com","name":"x","id":1}}}`, "$.actor.account.id"},
	// Data 2.4.3 verb
	{"Data_2.4.3_verb_id_required", nil, `{"verb":{"display":{"en":"x"}}}`, "$.verb.id"},
	{"Data_2.4.3_verb_id_must_be_IRI", nil, `{"verb":{"id":"answered"}}`, "$.verb.id"},
	{"Data_2.4.3_verb_id_no_spaces", nil, `{"verb":{"id":"http://e.com/my verb"}}`, "$.verb.id"},
	{"Data_4.2_display_key_must_be_language_tag", nil, `{"verb":{"id":"http://e.com/v","display":{"en-USA-xxxxxxxxx":"x"}}}`, `$.verb.display["en-USA-xxxxxxxxx"]`},
	{"Data_4.2_display_key_underscore_rejected", nil, `{"verb":{"id":"http://e.com/v","display":{"en_US":"x"}}}`, "$.verb.display.en_US"},
	{"Data_4.2_display_value_must_be_string", nil, `{"verb":{"id":"http://e.com/v","display":{"en":1}}}`, "$.verb.display.en"},
	{"Data_4.2_display_must_be_object", nil, `{"verb":{"id":"http://e.com/v","display":"answered"}}`, "$.verb.display"},
	// Data 2.4.4 object
	{"Data_2.4.4_object_objectType_enum", nil, `{"object":{"objectType":"Statement","id":"http://e.com/a"}}`, "$.object.objectType"},
	{"Data_2.4.4.1_activity_id_required", nil, `{"object":{"objectType":"Activity"}}`, "$.object.id"},
	{"Data_2.4.4.1_activity_id_must_be_IRI", nil, `{"object":{"id":"quiz1"}}`, "$.object.id"},
	{"Data_2.4.4.1_definition_type_IRI", nil, `{"object":{"id":"http://e.com/a","definition":{"type":"quiz"}}}`, "$.object.definition.type"},
	{"Data_2.4.4.1_definition_moreInfo_IRL", nil, `{"object":{"id":"http://e.com/a","definition":{"moreInfo":"/info"}}}`, "$.object.definition.moreInfo"},
	{"Data_2.4.4.1_definition_additional_property", nil, `{"object":{"id":"http://e.com/a","definition":{"title":"x"}}}`, "$.object.definition.title"},
	{"Data_2.4.4.1_definition_name_language_map", nil, `{"object":{"id":"http://e.com/a","definition":{"name":{"":"x"}}}}`, `$.object.definition.name[""]`},
	{"Data_2.4.4.1_interactionType_enum", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"Choice"}}}`, "$.object.definition.interactionType"},
	{"Data_2.4.4.1_correctResponsesPattern_needs_interactionType", nil, `{"object":{"id":"http://e.com/a","definition":{"correctResponsesPattern":["a"]}}}`, "$.object.definition.correctResponsesPattern"},
	{"Data_2.4.4.1_correctResponsesPattern_strings", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"numeric","correctResponsesPattern":[4]}}}`, "$.object.definition.correctResponsesPattern[0]"},
	{"Data_2.4.4.1_components_need_interactionType", nil, `{"object":{"id":"http://e.com/a","definition":{"choices":[{"id":"a"}]}}}`, "$.object.definition.choices"},
	{"Data_2.4.4.1_components_list_must_match_type", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"likert","choices":[{"id":"a"}]}}}`, "$.object.definition.choices"},
	{"Data_2.4.4.1_component_id_required", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"likert","scale":[{"description":{"en":"x"}}]}}}`, "$.object.definition.scale[0].id"},
	{"Data_2.4.4.1_component_ids_distinct", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"matching","source":[{"id":"a"},{"id":"a"}]}}}`, "$.object.definition.source[1].id"},
	{"Data_2.4.4.1_component_additional_property", nil, `{"object":{"id":"http://e.com/a","definition":{"interactionType":"performance","steps":[{"id":"a","name":"x"}]}}}`, "$.object.definition.steps[0].name"},
	{"Data_2.4.4.2_agent_object_needs_objectType", nil, `{"object":{"mbox":"mailto:bob@example.com"},` + noCtx + `}`, "$.object.mbox"},
	{"Data_2.4.4.2_agent_object_needs_IFI", nil, `{"object":{"objectType":"Agent","name":"Bob"},` + noCtx + `}`, "$.object"},
	{"Data_2.4.4.3_statementref_id_uuid", nil, `{"object":{"objectType":"StatementRef","id":"http://e.com/s"},` + noCtx + `}`, "$.object.id"},
	{"Data_2.4.4.3_statementref_id_required", nil, `{"object":{"objectType":"StatementRef"},` + noCtx + `}`, "$.object.id"},
	{"Data_2.4.4.3_statementref_additional_property", nil, `{"object":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee","definition":{}},` + noCtx + `}`, "$.object.definition"},
	{"Data_2.4.4.3_substatement_no_id", nil, `{"object":{"objectType":"SubStatement","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee","actor":` + agentObj + `,"verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}},` + noCtx + `}`, "$.object.id"},
	{"Data_2.4.4.3_substatement_no_stored", nil, `{"object":{"objectType":"SubStatement","stored":"2013-05-18T05:32:34.804Z","actor":` + agentObj + `,"verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}},` + noCtx + `}`, "$.object.stored"},
	{"Data_2.4.4.3_substatement_no_version", nil, `{"object":{"objectType":"SubStatement","version":"1.0.0","actor":` + agentObj + `,"verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}},` + noCtx + `}`, "$.object.version"},
	{"Data_2.4.4.3_substatement_no_authority", nil, `{"object":{"objectType":"SubStatement","authority":` + agentObj + `,"actor":` + agentObj + `,"verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}},` + noCtx + `}`, "$.object.authority"},
	{"Data_2.4.4.3_substatement_not_nested", nil, `{"object":{"objectType":"SubStatement","actor":` + agentObj + `,"verb":{"id":"http://e.com/v"},"object":{"objectType":"SubStatement","actor":` + agentObj + `,"verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"}}},` + noCtx + `}`, "$.object.object"},
	{"Data_2.4.4.3_substatement_validated_as_statement", nil, `{"object":{"objectType":"SubStatement","actor":{"mbox":"bob"},"verb":{"id":"http://e.com/v"}},` + noCtx + `}`, "$.object.actor.mbox"},
	{"Data_2.4.4.3_substatement_requires_object", nil, `{"object":{"objectType":"SubStatement","actor":` + agentObj + `,"verb":{"id":"http://e.com/v"}},` + noCtx + `}`, "$.object.object"},
	// Data 2.4.5 result
	{"Data_2.4.5_completion_boolean", nil, `{"result":{"completion":1}}`, "$.result.completion"},
	{"Data_2.4.5_response_string", nil, `{"result":{"response":["a"]}}`, "$.result.response"},
	{"Data_2.4.5_additional_property", nil, `{"result":{"passed":true}}`, "$.result.passed"},
	{"Data_2.4.5.1_scaled_above_1", nil, `{"result":{"score":{"scaled":1.01}}}`, "$.result.score.scaled"},
	{"Data_2.4.5.1_scaled_below_minus_1", nil, `{"result":{"score":{"scaled":-1.5}}}`, "$.result.score.scaled"},
	{"Data_2.4.5.1_raw_above_max", nil, `{"result":{"score":{"raw":101,"max":100}}}`, "$.result.score.raw"},
	{"Data_2.4.5.1_raw_below_min", nil, `{"result":{"score":{"raw":-1,"min":0}}}`, "$.result.score.raw"},
	{"Data_2.4.5.1_min_less_than_max", nil, `{"result":{"score":{"min":10,"max":5}}}`, "$.result.score.min"},
	{"Data_2.4.5.1_min_equal_max", nil, `{"result":{"score":{"min":5,"max":5}}}`, "$.result.score.min"},
	{"Data_2.4.5.1_score_additional_property", nil, `{"result":{"score":{"percent":5}}}`, "$.result.score.percent"},
	{"Data_4.6_duration_not_iso", nil, `{"result":{"duration":"1h"}}`, "$.result.duration"},
	{"Data_4.6_duration_alternative_format", nil, `{"result":{"duration":"P0003-01-29T04:35:59"}}`, "$.result.duration"},
	{"Data_4.6_duration_week_combined", nil, `{"result":{"duration":"P4W1D"}}`, "$.result.duration"},
	{"Data_4.6_duration_T_without_time", nil, `{"result":{"duration":"P1DT"}}`, "$.result.duration"},
	{"Data_4.6_duration_fraction_not_last", nil, `{"result":{"duration":"PT1.5H2M"}}`, "$.result.duration"},
	{"Data_4.6_duration_order", nil, `{"result":{"duration":"PT2S1M"}}`, "$.result.duration"},
	{"Data_4.1_result_extension_key_IRI", nil, `{"result":{"extensions":{"attempt":2}}}`, "$.result.extensions.attempt"},
	// Data 2.4.6 context
	{"Data_2.4.6_registration_uuid", nil, `{"context":{"registration":"abc"}}`, "$.context.registration"},
	{"Data_2.4.6_instructor_agent", nil, `{"context":{"instructor":{"name":"no ifi"}}}`, "$.context.instructor"},
	{"Data_2.4.6_team_must_be_group", nil, `{"context":{"team":` + agentObj + `}}`, "$.context.team.objectType"},
	{"Data_2.4.6_revision_only_for_activity", nil, `{"object":` + agentObj + `,"context":{"revision":"2"}}`, "$.context.revision"},
	{"Data_2.4.6_platform_only_for_activity", nil, `{"object":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},"context":{"platform":"x"}}`, "$.context.platform"},
	{"Data_2.4.6_revision_string", nil, `{"context":{"revision":2}}`, "$.context.revision"},
	{"Data_2.4.6_language_tag", nil, `{"context":{"language":"english!"}}`, "$.context.language"},
	{"Data_2.4.6_statement_must_be_statementref", nil, `{"context":{"statement":{"objectType":"SubStatement","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}}`, "$.context.statement.objectType"},
	{"Data_2.4.6_additional_property", nil, `{"context":{"location":"x"}}`, "$.context.location"},
	{"Data_4.1_context_extension_key_IRI", nil, `{"context":{"extensions":{"session":1}}}`, "$.context.extensions.session"},
	{"Data_4.1_extensions_must_be_object", nil, `{"context":{"extensions":[1]}}`, "$.context.extensions"},
	{"Data_2.4.6.2_contextActivities_key_enum", nil, `{"context":{"contextActivities":{"parents":[{"id":"http://e.com/a"}]}}}`, "$.context.contextActivities.parents"},
	{"Data_2.4.6.2_contextActivities_value_activity", nil, `{"context":{"contextActivities":{"parent":"http://e.com/a"}}}`, "$.context.contextActivities.parent"},
	{"Data_2.4.6.2_contextActivities_array_item_id_IRI", nil, `{"context":{"contextActivities":{"parent":[{"id":"http://e.com/a"},{"id":"a"}]}}}`, "$.context.contextActivities.parent[1].id"},
	{"Data_2.4.6.2_contextActivities_not_agent", nil, `{"context":{"contextActivities":{"other":{"objectType":"Agent","mbox":"mailto:a@b.c"}}}}`, "$.context.contextActivities.other.objectType"},
	// 2.0 context agents / groups (9274.1.1 4.2.2.5), and rejected in 1.0.3
	{"Data_2.2_contextAgents_not_allowed_in_1.0.3", []Version{V103}, `{"context":{"contextAgents":[{"objectType":"contextAgent","agent":` + agentObj + `}]}}`, "$.context.contextAgents"},
	{"Data_2.2_contextGroups_not_allowed_in_1.0.3", []Version{V103}, `{"context":{"contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:g@b.c"}}]}}`, "$.context.contextGroups"},
	{"9274.1.1_4.2.2.5_contextAgent_objectType", []Version{V200}, `{"context":{"contextAgents":[{"objectType":"Agent","agent":` + agentObj + `}]}}`, "$.context.contextAgents[0].objectType"},
	{"9274.1.1_4.2.2.5_contextAgent_objectType_required", []Version{V200}, `{"context":{"contextAgents":[{"agent":` + agentObj + `}]}}`, "$.context.contextAgents[0].objectType"},
	{"9274.1.1_4.2.2.5_contextAgent_invalid_agent", []Version{V200}, `{"context":{"contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"bob"}}]}}`, "$.context.contextAgents[0].agent.mbox"},
	{"9274.1.1_4.2.2.5_contextAgent_agent_not_group", []Version{V200}, `{"context":{"contextAgents":[{"objectType":"contextAgent","agent":{"objectType":"Group","mbox":"mailto:g@b.c"}}]}}`, "$.context.contextAgents[0].agent.objectType"},
	{"9274.1.1_4.2.2.5_contextAgent_agent_required", []Version{V200}, `{"context":{"contextAgents":[{"objectType":"contextAgent"}]}}`, "$.context.contextAgents[0].agent"},
	{"9274.1.1_4.2.2.5_contextAgent_relevantTypes_empty", []Version{V200}, `{"context":{"contextAgents":[{"objectType":"contextAgent","agent":` + agentObj + `,"relevantTypes":[]}]}}`, "$.context.contextAgents[0].relevantTypes"},
	{"9274.1.1_4.2.2.5_contextAgent_relevantTypes_IRI", []Version{V200}, `{"context":{"contextAgents":[{"objectType":"contextAgent","agent":` + agentObj + `,"relevantTypes":["abc"]}]}}`, "$.context.contextAgents[0].relevantTypes[0]"},
	{"9274.1.1_4.2.2.5_contextGroup_objectType", []Version{V200}, `{"context":{"contextGroups":[{"objectType":"contextAgent","group":{"objectType":"Group","mbox":"mailto:g@b.c"}}]}}`, "$.context.contextGroups[0].objectType"},
	{"9274.1.1_4.2.2.5_contextGroup_group_must_be_group", []Version{V200}, `{"context":{"contextGroups":[{"objectType":"contextGroup","group":` + agentObj + `}]}}`, "$.context.contextGroups[0].group.objectType"},
	{"9274.1.1_4.2.2.5_contextGroup_relevantTypes_empty", []Version{V200}, `{"context":{"contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:g@b.c"},"relevantTypes":[]}]}}`, "$.context.contextGroups[0].relevantTypes"},
	{"9274.1.1_4.2.2.5_contextAgents_in_substatement", []Version{V200}, `{"object":{"objectType":"SubStatement","actor":` + agentObj + `,"verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/a"},"context":{"contextAgents":[{"objectType":"x","agent":` + agentObj + `}]}},` + noCtx + `}`, "$.object.context.contextAgents[0].objectType"},
	// Timestamps (Data 2.4.7, 4.5; 9274.1.1 4.2.7)
	{"Data_4.5_timestamp_not_iso", nil, `{"timestamp":"yesterday"}`, "$.timestamp"},
	{"Data_4.5_timestamp_offset_minus_00", nil, `{"timestamp":"2013-05-18T05:32:34.804-00"}`, "$.timestamp"},
	{"Data_4.5_timestamp_offset_minus_0000", nil, `{"timestamp":"2013-05-18T05:32:34.804-0000"}`, "$.timestamp"},
	{"Data_4.5_timestamp_offset_minus_00_00", nil, `{"timestamp":"2013-05-18T05:32:34.804-00:00"}`, "$.timestamp"},
	{"Data_4.5_timestamp_invalid_date", nil, `{"timestamp":"2013-02-30T05:32:34Z"}`, "$.timestamp"},
	{"Data_4.5_timestamp_invalid_hour", nil, `{"timestamp":"2013-02-03T25:32:34Z"}`, "$.timestamp"},
	{"Data_4.5_timestamp_number", nil, `{"timestamp":1368855154}`, "$.timestamp"},
	{"Data_4.5_timestamp_space_separator_1.0.3", []Version{V103}, `{"timestamp":"2008-09-15 15:53:00.601Z"}`, "$.timestamp"},
	{"9274.1.1_4.2.7_timestamp_needs_offset", []Version{V200}, `{"timestamp":"2013-05-18T05:32:34.804"}`, "$.timestamp"},
	{"9274.1.1_4.2.7_timestamp_needs_seconds", []Version{V200}, `{"timestamp":"2013-05-18T05:32Z"}`, "$.timestamp"},
	{"9274.1.1_4.2.7_timestamp_basic_offset", []Version{V200}, `{"timestamp":"2013-05-18T05:32:34+0100"}`, "$.timestamp"},
	{"Data_2.4.8_stored_validated", nil, `{"stored":"not a time"}`, "$.stored"},
	// Data 2.4.9 authority
	{"Data_2.4.9_authority_agent_needs_IFI", nil, `{"authority":{"name":"x"}}`, "$.authority"},
	{"Data_2.4.9_authority_group_two_members", nil, `{"authority":{"objectType":"Group","member":[` + agentObj + `]}}`, "$.authority.member"},
	{"Data_2.4.9_authority_group_needs_members", nil, `{"authority":{"objectType":"Group","mbox":"mailto:g@b.c"}}`, "$.authority"},
	{"Data_2.4.9_authority_group_not_identified", nil, `{"authority":{"objectType":"Group","mbox":"mailto:g@b.c","member":[` + oauthConsumer + `,` + agentObj + `]}}`, "$.authority.mbox"},
	{"Data_2.4.9_authority_group_account_not_identified", nil, `{"authority":{"objectType":"Group","account":{"homePage":"http://e.com","name":"g"},"member":[` + oauthConsumer + `,` + agentObj + `]}}`, "$.authority.account"},
	{"Data_2.4.9_authority_group_needs_oauth_consumer", nil, `{"authority":{"objectType":"Group","member":[` + agentObj + `,{"mbox":"mailto:c@example.com"}]}}`, "$.authority.member"},
	{"Data_2.4.9_authority_group_three_members", nil, `{"authority":{"objectType":"Group","member":[` + oauthConsumer + `,` + agentObj + `,{"mbox":"mailto:c@example.com"}]}}`, "$.authority.member"},
	{"Data_2.4.9_authority_group_member_is_agent", nil, `{"authority":{"objectType":"Group","member":[` + oauthConsumer + `,{"objectType":"Group","member":[` + agentObj + `]}]}}`, "$.authority.member[1].objectType"},
	// Data 2.4.10 version
	{"Data_2.4.10_version_2.0.0_rejected_in_1.0.3", []Version{V103}, `{"version":"2.0.0"}`, "$.version"},
	{"Data_2.4.10_version_1.0._rejected", both, `{"version":"1.0."}`, "$.version"},
	{"Data_2.4.10_version_1.0.x_rejected", both, `{"version":"1.0.x"}`, "$.version"},
	{"Data_2.4.10_version_must_be_string", nil, `{"version":1.0}`, "$.version"},
	{"9274.1.1_4.2.4.3_version_1.1.0_rejected", []Version{V200}, `{"version":"1.1.0"}`, "$.version"},
	{"9274.1.1_4.2.4.3_version_0.9.9_rejected", both, `{"version":"0.9.9"}`, "$.version"},
	{"9274.1.1_4.2.4.3_version_junk_rejected", both, `{"version":"2.0.0-rc1"}`, "$.version"},
	// Data 2.4.11 attachments
	{"Data_2.4.11_attachments_array", nil, `{"attachments":{}}`, "$.attachments"},
	{"Data_2.4.11_usageType_required", nil, `{"attachments":[{"display":{"en":"x"},"contentType":"text/plain","length":1,"sha2":"` + sha256hex + `"}]}`, "$.attachments[0].usageType"},
	{"Data_2.4.11_usageType_IRI", nil, `{"attachments":[{"usageType":"cert","display":{"en":"x"},"contentType":"text/plain","length":1,"sha2":"` + sha256hex + `"}]}`, "$.attachments[0].usageType"},
	{"Data_2.4.11_display_required", nil, `{"attachments":[{"usageType":"http://e.com/u","contentType":"text/plain","length":1,"sha2":"` + sha256hex + `"}]}`, "$.attachments[0].display"},
	{"Data_2.4.11_contentType_media_type", nil, `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text","length":1,"sha2":"` + sha256hex + `"}]}`, "$.attachments[0].contentType"},
	{"Data_2.4.11_length_integer", nil, `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text/plain","length":1.5,"sha2":"` + sha256hex + `"}]}`, "$.attachments[0].length"},
	{"Data_2.4.11_length_string_rejected", nil, `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text/plain","length":"1","sha2":"` + sha256hex + `"}]}`, "$.attachments[0].length"},
	{"Data_2.4.11_sha2_required", nil, `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text/plain","length":1}]}`, "$.attachments[0].sha2"},
	{"Data_2.4.11_sha2_hex", nil, `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text/plain","length":1,"sha2":"xyz"}]}`, "$.attachments[0].sha2"},
	{"Data_2.4.11_fileUrl_IRL", nil, `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text/plain","length":1,"sha2":"` + sha256hex + `","fileUrl":"file name"}]}`, "$.attachments[0].fileUrl"},
	{"Data_2.4.11_additional_property", nil, `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text/plain","length":1,"sha2":"` + sha256hex + `","data":"x"}]}`, "$.attachments[0].data"},
}

const sha256hex = "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634"

// acceptCases must validate: edge cases on the accepting side of a rule.
var acceptCases = []ruleCase{
	{"Data_2.4.11_length_beyond_int64", nil, `{"attachments":[{"usageType":"http://e.com/u","display":{"en":"x"},"contentType":"text/plain","length":123456789012345678901,"sha2":"` + sha256hex + `"}]}`, ""},
	{"Data_2.4.1_uppercase_uuid", nil, `{"id":"2A41C918-B88B-4B20-A0A5-A4C32391AAA0"}`, ""},
	{"Data_2.4.2_actor_without_objectType_is_agent", nil, `{"actor":{"mbox":"mailto:a@b.c"}}`, ""},
	{"Data_2.4.2.2_identified_group_without_members", nil, `{"actor":{"objectType":"Group","account":{"homePage":"http://e.com","name":"g"}}}`, ""},
	{"Data_2.4.4_object_without_objectType_is_activity", nil, `{"object":{"id":"http://e.com/a"}}`, ""},
	{"Data_2.4.4.1_IRI_with_unicode", nil, `{"verb":{"id":"http://example.com/فعل/خواندن"}}`, ""},
	{"Data_2.4.5.1_raw_at_bounds", nil, `{"result":{"score":{"scaled":-1,"raw":100,"min":0,"max":100}}}`, ""},
	{"Data_2.4.6.2_contextActivities_single_object", nil, `{"context":{"contextActivities":{"parent":{"id":"http://e.com/a"}}}}`, ""},
	{"Data_4.1_extension_values_unrestricted", nil, `{"result":{"extensions":{"http://e.com/x":null}}}`, ""},
	{"Data_4.2_language_tag_script_region", nil, `{"verb":{"id":"http://e.com/v","display":{"zh-Hant-TW":"x","sr-Latn":"y","de-CH-1996":"z","x-klingon":"w"}}}`, ""},
	{"Data_4.5_timestamp_plus_00_00", nil, `{"timestamp":"2015-11-18T12:17:00+00:00"}`, ""},
	{"Data_4.5_timestamp_no_fraction_Z", nil, `{"timestamp":"2013-04-01T12:00:00Z"}`, ""},
	{"Data_4.5_timestamp_no_offset_1.0.3", []Version{V103}, `{"timestamp":"2013-04-01T12:00:00.123"}`, ""},
	{"Data_4.5_timestamp_basic_offset_1.0.3", []Version{V103}, `{"timestamp":"2013-04-01T12:00:00+0530"}`, ""},
	{"Data_4.5_timestamp_future_not_rejected", nil, `{"timestamp":"2999-01-01T00:00:00Z"}`, ""},
	{"9274.1.1_4.2.7_timestamp_space_separator", []Version{V200}, `{"timestamp":"2008-09-15 15:53:00.601Z"}`, ""},
	{"Data_4.6_duration_fractions_finer_than_0.01s", nil, `{"result":{"duration":"P1DT12H36M0.12567S"}}`, ""},
	{"Data_4.6_duration_weeks", nil, `{"result":{"duration":"P4W"}}`, ""},
	{"Data_4.6_duration_full", nil, `{"result":{"duration":"P3Y1M29DT4H35M59.14S"}}`, ""},
	{"Data_2.4.10_version_1.0.9_in_1.0.3", []Version{V103}, `{"version":"1.0.9"}`, ""},
	{"Data_2.4.10_version_1.0_in_1.0.3", []Version{V103}, `{"version":"1.0"}`, ""},
	{"Data_2.4.9_authority_oauth_pair", nil, `{"authority":{"objectType":"Group","member":[` + oauthConsumer + `,` + agentObj + `]}}`, ""},
	{"9274.1.1_4.2.4.3_versions_accepted_in_2.0", []Version{V200}, `{"version":"2.0.0"}`, ""},
	{"9274.1.1_4.2.4.3_version_1.0_accepted_in_2.0", []Version{V200}, `{"version":"1.0"}`, ""},
	{"9274.1.1_4.2.4.3_version_2.0_accepted_in_2.0", []Version{V200}, `{"version":"2.0"}`, ""},
	{"9274.1.1_4.2.2.5_contextAgents_and_groups", []Version{V200}, `{"context":{"instructor":` + agentObj + `,"contextAgents":[{"objectType":"contextAgent","agent":` + agentObj + `,"relevantTypes":["http://id.tincanapi.com/activitytype/instructor"]},{"objectType":"contextAgent","agent":{"mbox":"mailto:c@d.e"}}],"contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","member":[{"mbox":"mailto:m@e.com"}]},"relevantTypes":["http://e.com/team"]}]}}`, ""},
	{"Data_2.4.11_attachment_with_fileUrl", nil, `{"attachments":[{"usageType":"http://adlnet.gov/expapi/attachments/signature","display":{"en-US":"Signature"},"description":{"en-US":"x"},"contentType":"application/octet-stream","length":4235,"sha2":"` + sha256hex + `","fileUrl":"http://e.com/f"}]}`, ""},
}

func versionsOf(c ruleCase) []Version {
	if c.versions == nil {
		return both
	}
	return c.versions
}

func TestValidateRejects(t *testing.T) {
	for _, c := range rejectCases {
		for _, v := range versionsOf(c) {
			t.Run(c.name+"/"+string(v), func(t *testing.T) {
				s := patched(t, c.patch)
				err := Validate(v, s)
				if err == nil {
					t.Fatalf("Validate accepted %s", toJSON(t, s))
				}
				if probs, ok := problemAt(t, err, c.path); !ok {
					t.Fatalf("no problem at %s; got %+v", c.path, probs)
				}
			})
		}
	}
}

func TestValidateAccepts(t *testing.T) {
	for _, c := range acceptCases {
		for _, v := range versionsOf(c) {
			t.Run(c.name+"/"+string(v), func(t *testing.T) {
				if err := Validate(v, patched(t, c.patch)); err != nil {
					t.Fatalf("Validate: %v", err)
				}
			})
		}
	}
}

func TestValidateProblemsCarryRuleAndAreSorted(t *testing.T) {
	s := patched(t, `{"id":"x","actor":{"mbox":"bob"},"verb":{"id":"v"}}`)
	probs, _ := problemAt(t, Validate(V103, s), "$.id")
	want := map[string]string{"$.id": "Data 2.4.1", "$.actor.mbox": "Data 2.4.2.3", "$.verb.id": "Data 2.4.3"}
	if len(probs) != len(want) {
		t.Fatalf("got %d problems, want %d: %+v", len(probs), len(want), probs)
	}
	for i, p := range probs {
		if want[p.Path] != p.Rule || p.Message == "" {
			t.Errorf("problem %+v: want rule %q", p, want[p.Path])
		}
		if i > 0 && probs[i-1].Path > p.Path {
			t.Errorf("problems not sorted by path: %+v", probs)
		}
	}
	if msg := Validate(V103, s).Error(); !strings.Contains(msg, "2 more") {
		t.Errorf("Error() = %q, want a summary with the count", msg)
	}
}
