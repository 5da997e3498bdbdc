package xapi

import (
	"strings"
	"time"
)

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
