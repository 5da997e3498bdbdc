package xapi

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// MaxIRILength is the longest IRI or IRL, in bytes of UTF-8, that the LRS
// accepts anywhere in a statement (ids of verbs, activities and activity
// types, extension keys, account homePages, openids, mboxes, attachment
// usageTypes and fileUrls); a longer one is a validation problem (400). xAPI
// sets no limit. This one is the 8,000 octets that RFC 9110 section 4.1 asks
// every HTTP recipient to support in a URI, rounded up to 8 KiB: an IRI the
// LRS stores and indexes must also fit, percent-encoded, in the request
// target of the GET that filters on it (http.max_header_bytes, 64 KiB by
// default, leaves room for three times this length).
const MaxIRILength = 8 << 10

// isIRI checks an absolute IRI against the RFC 3987 grammar (Data 2.2,
// 4.3; "MUST reject ... IRI values without a scheme"):
//
//	IRI = scheme ":" ihier-part [ "?" iquery ] [ "#" ifragment ]
//
// with an RFC 3986 scheme, "//" iauthority (iuserinfo, ihost as reg-name,
// IPv4, or a bracketed IPv6/IPvFuture literal, a digits-only port), path,
// query and fragment characters from their productions (iunreserved incl.
// ucschar, sub-delims, ":" "@" "/" "?", iprivate in the query only) and
// well-formed %HH escapes. An empty ihier-part ("urn:") is rejected, as
// before: it identifies nothing. IRLs are checked the same way. An IRI
// longer than MaxIRILength is rejected too.
func isIRI(s string) bool {
	if len(s) > MaxIRILength {
		return false
	}
	colon := strings.IndexByte(s, ':')
	if colon < 1 || colon == len(s)-1 || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < colon; i++ {
		c := s[i]
		if !(isAlpha(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	rest := s[colon+1:]
	if strings.HasPrefix(rest, "//") {
		auth := rest[2:]
		end := strings.IndexAny(auth, "/?#")
		if end < 0 {
			end = len(auth)
		}
		if !isIAuthority(auth[:end]) {
			return false
		}
		rest = auth[end:]
	}
	// ipath, then "?" iquery, then "#" ifragment
	part := iriPath
	for i := 0; i < len(rest); {
		c := rest[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(rest[i:])
			if !isUcschar(r) && !(part == iriQuery && isIprivate(r)) {
				return false
			}
			i += size
			continue
		}
		switch {
		case iriChar[c]&iriPchar != 0:
		case c == '%':
			if i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2]) {
				return false
			}
			i += 2
		case c == '/':
		case c == '?':
			if part == iriPath {
				part = iriQuery
			}
		case c == '#':
			if part == iriFragment {
				return false
			}
			part = iriFragment
		default:
			return false
		}
		i++
	}
	return true
}

const (
	iriPath = iota
	iriQuery
	iriFragment
)

// iriChar classifies ASCII: iriUnreserved (ALPHA DIGIT - . _ ~),
// iriSubDelim (! $ & ' ( ) * + , ; =), iriPchar (both, plus ":" "@").
var iriChar = func() (t [utf8.RuneSelf]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		b := byte(c)
		if isAlpha(b) || b >= '0' && b <= '9' || strings.IndexByte("-._~", b) >= 0 {
			t[c] |= iriUnreserved | iriPchar
		}
		if strings.IndexByte("!$&'()*+,;=", b) >= 0 {
			t[c] |= iriSubDelim | iriPchar
		}
		if b == ':' || b == '@' {
			t[c] |= iriPchar
		}
	}
	return t
}()

const (
	iriUnreserved = 1 << iota
	iriSubDelim
	iriPchar
)

// isUcschar: RFC 3987 ucschar.
func isUcschar(r rune) bool {
	switch {
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFEF:
		return true
	case r >= 0x10000 && r <= 0xEFFFD:
		return r&0xFFFF <= 0xFFFD // excludes the non-characters xFFFE, xFFFF of each plane
	}
	return false
}

// isIprivate: RFC 3987 iprivate (query only).
func isIprivate(r rune) bool {
	return r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000 && r <= 0xFFFFD || r >= 0x100000 && r <= 0x10FFFD
}

// isIAuthority: [ iuserinfo "@" ] ihost [ ":" port ].
func isIAuthority(a string) bool {
	if at := strings.LastIndexByte(a, '@'); at >= 0 {
		if !isIRIChars(a[:at], true) {
			return false
		}
		a = a[at+1:]
	}
	host := a
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 || !isIPLiteral(a[1:end]) {
			return false
		}
		host, a = "", a[end+1:]
		if a != "" && a[0] != ':' {
			return false
		}
	} else if c := strings.LastIndexByte(a, ':'); c >= 0 {
		host, a = a[:c], a[c:]
	} else {
		a = ""
	}
	if a != "" && !isDigitsOrEmpty(a[1:]) { // a is ":" port
		return false
	}
	return isIRIChars(host, false)
}

// isIRIChars: *( iunreserved / pct-encoded / sub-delims [/ ":"] ).
func isIRIChars(s string, colon bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !isUcschar(r) {
				return false
			}
			i += size - 1
		case iriChar[c]&(iriUnreserved|iriSubDelim) != 0, colon && c == ':':
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	return true
}

// isIPLiteral: IPv6address / IPvFuture, the inside of "[ ]".
func isIPLiteral(s string) bool {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') {
		dot := strings.IndexByte(s, '.')
		if dot < 2 || dot == len(s)-1 || !allHex(s[1:dot]) {
			return false
		}
		for i := dot + 1; i < len(s); i++ {
			if c := s[i]; c >= utf8.RuneSelf || iriChar[c]&(iriUnreserved|iriSubDelim) == 0 && c != ':' {
				return false
			}
		}
		return true
	}
	ip, err := netip.ParseAddr(s)
	return err == nil && ip.Is6() && ip.Zone() == ""
}

func isDigitsOrEmpty(s string) bool { return s == "" || isDigits(s) }

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
