// Package auth manages tenants and credentials stored in ClickHouse and
// authenticates xAPI requests with them: HTTP Basic key/secret pairs whose
// secrets are stored as argon2id hashes, a short-lived cache of verified
// credentials, and per-credential rate limits.
package auth

import (
	"fmt"
	"slices"
	"strings"
)

// Scopes a credential may hold (xAPI Communication 4.2, plus "attachments").
var ValidScopes = []string{
	"statements/write", "statements/read", "statements/read/mine", "all/read", "all",
	"state", "profile", "define", "attachments",
}

// ParseScopes parses a comma- or space-separated scope list, e.g.
// "statements/write,statements/read/mine". It rejects an empty list and any
// scope not in ValidScopes, and returns the scopes sorted without duplicates.
func ParseScopes(s string) ([]string, error) {
	return NormalizeScopes(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }))
}

// NormalizeScopes checks scopes as ParseScopes does.
func NormalizeScopes(scopes []string) ([]string, error) {
	out := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		sc = strings.TrimSpace(sc)
		if sc == "" {
			continue
		}
		if !slices.Contains(ValidScopes, sc) {
			return nil, fmt.Errorf("%w: %q (valid: %s)", ErrInvalidScope, sc, strings.Join(ValidScopes, ", "))
		}
		out = append(out, sc)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: at least one scope is needed", ErrInvalidScope)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
