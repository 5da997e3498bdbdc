package xapi

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestExtract(t *testing.T) {
	s := patched(t, "")
	if _, err := Finalize(s, V103, time.Now(), authority); err != nil {
		t.Fatal(err)
	}
	ix := Extract(s)
	if ix.Verb != "http://adlnet.gov/expapi/verbs/answered" || ix.ObjectType != "Activity" || ix.ObjectID != "http://example.com/courses/algebra/quiz1/q3" {
		t.Errorf("verb/object = %q %q %q", ix.Verb, ix.ObjectType, ix.ObjectID)
	}
	if ix.Registration != uuid.MustParse("ec531277-b57b-4c15-8d91-d292c5b2b8f7") || ix.Voids != uuid.Nil {
		t.Errorf("registration/voids = %s %s", ix.Registration, ix.Voids)
	}
	if !ix.Timestamp.Equal(time.Date(2026, 11, 26, 8, 59, 58, 345e6, time.UTC)) {
		t.Errorf("timestamp = %s", ix.Timestamp)
	}
	wantAgents := []string{"mbox:mailto:ada@example.com"}
	wantRelated := []string{"mbox:mailto:ada@example.com", "account:http://lrs.example.com|client-1", "account:http://lms.example.com|aturing",
		"mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9", "openid:http://toby.openid.example.org/"}
	wantActs := []string{"http://example.com/courses/algebra/quiz1/q3", "http://example.com/courses/algebra/quiz1", "http://example.com/courses/algebra", "http://example.com/profiles/quiz"}
	if !slices.Equal(ix.Agents, wantAgents) || !slices.Equal(ix.RelatedAgents, wantRelated) || !slices.Equal(ix.RelatedActivities, wantActs) {
		t.Errorf("Communication_2.1.3 keys:\nagents  %v\nrelated %v\nacts    %v", ix.Agents, ix.RelatedAgents, ix.RelatedActivities)
	}
}

func TestExtractVoidingAndGroups(t *testing.T) {
	fx := fixtures(t, "valid")
	ix := Extract(fx["data_2.3.2_voiding"])
	if ix.ObjectType != "StatementRef" || ix.Voids != uuid.MustParse("e05aa883-acaf-40ad-bf54-02c8ce485fb0") {
		t.Errorf("Data_2.3.2 voids = %s (%s)", ix.Voids, ix.ObjectType)
	}
	ix = Extract(fx["appB_Object_is_Group"])
	want := []string{"mbox:mailto:fixture@example.com", "account:http://example.com/homePage|GroupAccount", "mbox:mailto:andrew@example.com", "openid:http://aaron.openid.example.org"}
	if ix.ObjectID != "account:http://example.com/homePage|GroupAccount" || !slices.Equal(ix.Agents, want) {
		t.Errorf("Communication_2.1.3 group object: %q %v", ix.ObjectID, ix.Agents)
	}
}

func TestExtractSubStatementAnd20Context(t *testing.T) {
	s := mustDecode(t, `{"actor":{"mbox":"mailto:a@e.com"},"verb":{"id":"http://e.com/planned"},
	  "context":{"contextActivities":{"other":{"id":"http://e.com/o"}}},
	  "object":{"objectType":"SubStatement","actor":{"objectType":"Group","member":[{"mbox":"mailto:m@e.com"}]},
	    "verb":{"id":"http://e.com/visit"},"object":{"id":"http://e.com/site"},
	    "context":{"instructor":{"mbox":"mailto:i@e.com"},"contextActivities":{"parent":[{"id":"http://e.com/p"}]},
	      "contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:c@e.com"}}],
	      "contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:g@e.com"}}]}}}`)
	if err := Validate(V200, s); err != nil {
		t.Fatal(err)
	}
	ix := Extract(s)
	wantRel := []string{"mbox:mailto:a@e.com", "mbox:mailto:m@e.com", "mbox:mailto:i@e.com", "mbox:mailto:c@e.com", "mbox:mailto:g@e.com"}
	wantActs := []string{"http://e.com/o", "http://e.com/site", "http://e.com/p"}
	if ix.ObjectType != "SubStatement" || ix.ObjectID != "" || !slices.Equal(ix.Agents, []string{"mbox:mailto:a@e.com"}) ||
		!slices.Equal(ix.RelatedAgents, wantRel) || !slices.Equal(ix.RelatedActivities, wantActs) {
		t.Errorf("Communication_2.1.3 substatement: %+v", ix)
	}
}
