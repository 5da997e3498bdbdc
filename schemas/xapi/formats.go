package xapi

import (
	"encoding/json"
	"errors"
	"mime"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"
)

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
// before: it identifies nothing. IRLs are checked the same way.
func isIRI(s string) bool {
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

// parseTimestamp parses a Timestamp (Data 4.5). With rfc3339 (xAPI 2.0,
// 9274.1.1 4.2.7) the form is RFC 3339: seconds and an offset are required,
// the offset is Z or ±hh:mm, and a space may separate date and time. Without
// it (1.0.3) the ISO 8601 extended format is accepted: seconds optional
// (reduced precision), fraction with '.' or ',', offset optional (UTC is
// assumed) as Z, ±hh:mm, ±hhmm or ±hh. The "unknown local offset" forms
// -00, -0000 and -00:00 are always rejected.
func parseTimestamp(s string, rfc3339 bool) (time.Time, bool) {
	// YYYY-MM-DD
	if len(s) < 16 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	year, ok1 := atoiN(s[0:4])
	month, ok2 := atoiN(s[5:7])
	day, ok3 := atoiN(s[8:10])
	switch s[10] {
	case 'T', 't':
	case ' ':
		if !rfc3339 {
			return time.Time{}, false
		}
	default:
		return time.Time{}, false
	}
	hour, ok4 := atoiN(s[11:13])
	minute, ok5 := atoiN(s[14:16])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || s[13] != ':' {
		return time.Time{}, false
	}
	rest := s[16:]
	sec, nsec := 0, 0
	if len(rest) >= 3 && rest[0] == ':' {
		var ok bool
		if sec, ok = atoiN(rest[1:3]); !ok {
			return time.Time{}, false
		}
		rest = rest[3:]
		if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',' && !rfc3339) {
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				if j <= 9 {
					nsec = nsec*10 + int(rest[j]-'0')
				}
				j++
			}
			if j == 1 {
				return time.Time{}, false
			}
			for k := j; k <= 9; k++ {
				nsec *= 10
			}
			rest = rest[j:]
		}
	} else if rfc3339 {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	offset, ok := parseOffset(rest, rfc3339)
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day && sec != 60 { // e.g. February 30th
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

// parseOffset returns the offset in seconds east of UTC.
func parseOffset(s string, rfc3339 bool) (int, bool) {
	switch {
	case s == "Z" || s == "z":
		return 0, true
	case s == "":
		return 0, !rfc3339
	case s[0] != '+' && s[0] != '-':
		return 0, false
	}
	var hh, mm string
	switch {
	case len(s) == 6 && s[3] == ':':
		hh, mm = s[1:3], s[4:6]
	case len(s) == 5 && !rfc3339:
		hh, mm = s[1:3], s[3:5]
	case len(s) == 3 && !rfc3339:
		hh, mm = s[1:3], "00"
	default:
		return 0, false
	}
	h, ok1 := atoiN(hh)
	m, ok2 := atoiN(mm)
	if !ok1 || !ok2 || h > 23 || m > 59 || s[0] == '-' && h == 0 && m == 0 {
		return 0, false
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

func atoiN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}

// isDuration checks an ISO 8601:2004 4.4.3.2 duration (Data 4.6):
// P[nY][nM][nD][T[nH][nM][nS]] or PnW alone, at least one component, T
// followed by at least one component, a decimal fraction ('.' or ',') only
// on the last component. The alternative format (4.4.3.3) is rejected.
func isDuration(s string) bool {
	if len(s) < 3 || s[0] != 'P' {
		return false
	}
	const dateOrder, timeOrder = "YMWD", "HMS"
	order, pos := dateOrder, 0
	inTime, count, sawWeek, fraction := false, 0, false, false
	for i := 1; i < len(s); {
		if s[i] == 'T' {
			if inTime || i == len(s)-1 {
				return false
			}
			inTime, order, pos = true, timeOrder, 0
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || fraction {
			return false
		}
		if j < len(s) && (s[j] == '.' || s[j] == ',') {
			k := j + 1
			for k < len(s) && s[k] >= '0' && s[k] <= '9' {
				k++
			}
			if k == j+1 {
				return false
			}
			j, fraction = k, true
		}
		if j == len(s) {
			return false
		}
		d := strings.IndexByte(order[pos:], s[j])
		if d < 0 {
			return false
		}
		pos += d + 1
		if !inTime && s[j] == 'W' {
			sawWeek = true
		}
		count++
		i = j + 1
	}
	if sawWeek && count > 1 {
		return false
	}
	return count > 0 && s[len(s)-1] != 'T'
}
