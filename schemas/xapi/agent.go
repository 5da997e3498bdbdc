package xapi

import (
	"fmt"
	"strings"
)

// AgentKey returns the canonical key of an Agent's or Identified Group's
// Inverse Functional Identifier (Data 2.4.2.3):
//
//	mbox:mailto:local@domain   (domain lower-cased: it is case-insensitive)
//	mbox_sha1sum:<40 lower-case hex>
//	openid:<uri>
//	account:<homePage>|<name>
//
// It returns false when agent has no usable IFI (an Anonymous Group). On an
// invalid object holding several IFIs the first in the order above wins.
func AgentKey(agent map[string]any) (string, bool) {
	if s, ok := agent["mbox"].(string); ok && s != "" {
		return "mbox:" + normalizeMbox(s), true
	}
	if s, ok := agent["mbox_sha1sum"].(string); ok && s != "" {
		return "mbox_sha1sum:" + strings.ToLower(s), true
	}
	if s, ok := agent["openid"].(string); ok && s != "" {
		return "openid:" + s, true
	}
	if acc, ok := agent["account"].(map[string]any); ok {
		home, ok1 := acc["homePage"].(string)
		name, ok2 := acc["name"].(string)
		if ok1 && ok2 {
			return "account:" + home + "|" + name, true
		}
	}
	return "", false
}

// normalizeMbox lower-cases the domain of a mailto IRI (Data 2.3.1: the
// domain portion of an email address is case-insensitive).
func normalizeMbox(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	domain := s[at+1:]
	for i := 0; i < len(domain); i++ {
		if c := domain[i]; c >= 'A' && c <= 'Z' {
			return s[:at+1] + strings.ToLower(domain)
		}
	}
	return s
}

// ParseAgentParam parses the GET statements `agent` parameter (Communication
// 2.1.3): a JSON Agent or Identified Group, validated as in a statement, and
// returns its AgentKey. Invalid JSON, an Anonymous Group or any other problem
// returns an error wrapping ErrInvalid.
func ParseAgentParam(v string) (string, error) {
	decoded, err := decodeValue([]byte(v))
	m, ok := decoded.(map[string]any)
	if err != nil || !ok {
		return "", fmt.Errorf("%w: agent parameter must be a JSON Agent or Identified Group object", ErrInvalid)
	}
	val := validator{ver: V200}
	root := rootPath()
	val.actor(m, &root, "Communication 2.1.3")
	if err := val.err(); err != nil {
		return "", err
	}
	key, ok := AgentKey(m)
	if !ok {
		return "", &ValidationError{Problems: []Problem{{
			Path: "$", Rule: "Communication 2.1.3",
			Message: "agent parameter must be an Agent or an Identified Group (an Anonymous Group has no identifier)",
		}}}
	}
	return key, nil
}
