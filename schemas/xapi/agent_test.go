package xapi

import (
	"errors"
	"testing"
)

func TestAgentKey(t *testing.T) {
	cases := []struct {
		name, agent, want string
		ok                bool
	}{
		{"mbox_domain_lowercased", `{"mbox":"mailto:Ada.L@Example.COM"}`, "mbox:mailto:Ada.L@example.com", true},
		{"sha1_lowercased", `{"mbox_sha1sum":"EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}`, "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9", true},
		{"openid", `{"openid":"http://toby.openid.example.org/"}`, "openid:http://toby.openid.example.org/", true},
		{"account", `{"account":{"homePage":"http://e.com","name":"42"}}`, "account:http://e.com|42", true},
		{"identified_group", `{"objectType":"Group","mbox":"mailto:g@e.com","member":[{"mbox":"mailto:a@e.com"}]}`, "mbox:mailto:g@e.com", true},
		{"anonymous_group", `{"objectType":"Group","member":[{"mbox":"mailto:a@e.com"}]}`, "", false},
		{"no_ifi", `{"name":"x"}`, "", false},
	}
	for _, c := range cases {
		t.Run("Data_2.4.2.3_"+c.name, func(t *testing.T) {
			got, ok := AgentKey(mustDecode(t, c.agent))
			if got != c.want || ok != c.ok {
				t.Fatalf("AgentKey = %q, %v; want %q, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestParseAgentParam(t *testing.T) {
	cases := []struct {
		name, param, want string
	}{
		{"agent", `{"mbox":"mailto:a@E.com"}`, "mbox:mailto:a@e.com"},
		{"agent_objectType", `{"objectType":"Agent","account":{"homePage":"http://e.com","name":"n"}}`, "account:http://e.com|n"},
		{"identified_group", `{"objectType":"Group","openid":"http://g.example/"}`, "openid:http://g.example/"},
		{"not_json", `mailto:a@e.com`, ""},
		{"trailing", `{"mbox":"mailto:a@e.com"}}`, ""},
		{"array", `[{"mbox":"mailto:a@e.com"}]`, ""},
		{"anonymous_group", `{"objectType":"Group","member":[{"mbox":"mailto:a@e.com"}]}`, ""},
		{"bad_mbox", `{"mbox":"a@e.com"}`, ""},
		{"two_ifis", `{"mbox":"mailto:a@e.com","openid":"http://a.example/"}`, ""},
	}
	for _, c := range cases {
		t.Run("Communication_2.1.3_agent_param_"+c.name, func(t *testing.T) {
			got, err := ParseAgentParam(c.param)
			if c.want == "" {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("got %q, %v; want ErrInvalid", got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
