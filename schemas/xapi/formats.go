package xapi

import (
	"encoding/json"
	"errors"
	"mime"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// isMbox checks a "mailto:" IRI holding one address (Data 2.4.2.3: "the
// required format is mailto:email address").
func isMbox(s string) bool {
	addr, ok := strings.CutPrefix(s, "mailto:")
	if !ok || !isIRI(s) {
		return false
	}
	// One address: no RFC 6068 address list (",") or header fields ("?").
	if strings.ContainsAny(addr, ",?") || strings.Contains(addr, "%2C") || strings.Contains(addr, "%2c") {
		return false
	}
	at := strings.LastIndexByte(addr, '@')
	return at > 0 && at < len(addr)-1 && !strings.ContainsAny(addr[at+1:], "@/#")
}

// isSHA1Hex checks 40 hex digits (Data 2.4.2.3 mbox_sha1sum).
func isSHA1Hex(s string) bool { return len(s) == 40 && allHex(s) }

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// isSHA2Hex checks a hex SHA-224/256/384/512 digest (Data 2.4.11 sha2).
func isSHA2Hex(s string) bool {
	switch len(s) {
	case 56, 64, 96, 128:
		return allHex(s)
	}
	return false
}

// isUUID checks the standard 8-4-4-4-12 hex string form (Data 4.4). Version
// and variant are not checked: Data 2.4.1 accepts every version, and the
// spec's own example id is not variant 2.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// isLangTag checks an RFC 5646 language tag (Data 2.2, 4.2): ASCII
// alphanumerics in hyphen-separated subtags of 1–8 characters, then
// golang.org/x/text/language for the grammar. A well-formed tag with a
// subtag the registry copy does not know is accepted (the rule is
// well-formedness, "the sequence of token lengths").
func isLangTag(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			if n == 0 {
				return false
			}
			n = 0
		case isAlpha(c) || c >= '0' && c <= '9':
			if n++; n > 8 {
				return false
			}
		default:
			return false
		}
	}
	if n == 0 {
		return false
	}
	if isSimpleLangTag(s) {
		return true
	}
	_, err := language.Parse(s)
	var ve interface{ Subtag() string }
	return err == nil || errors.As(err, &ve)
}

// isSimpleLangTag is the fast path for the common shapes "ll", "lll",
// "ll-CC", "lll-CC" and "ll-DDD" (language + region), which the RFC 5646
// grammar accepts without consulting the registry.
func isSimpleLangTag(s string) bool {
	lang, region, _ := strings.Cut(s, "-")
	if len(lang) < 2 || len(lang) > 3 || !allAlpha(lang) {
		return false
	}
	switch len(region) {
	case 0:
		return !strings.Contains(s, "-")
	case 2:
		return allAlpha(region)
	case 3:
		return isDigits(region)
	}
	return false
}

func allAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlpha(s[i]) {
			return false
		}
	}
	return true
}

// isMediaType checks an RFC 2046 Internet media type "type/subtype[; params]".
func isMediaType(s string) bool {
	mt, _, err := mime.ParseMediaType(s)
	if err != nil {
		return false
	}
	t, sub, ok := strings.Cut(mt, "/")
	return ok && t != "" && sub != ""
}

// isMediaTypeOf reports whether s is the media type want (lower case,
// without parameters), compared case-insensitively, parameters ignored.
func isMediaTypeOf(s, want string) bool {
	if strings.EqualFold(s, want) {
		return true
	}
	mt, _, err := mime.ParseMediaType(s)
	return err == nil && mt == want
}

// number returns the value of a JSON number (json.Number, or float64/int for
// statements built in code).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}
