package xapi

import "time"

// IsIRI reports whether s is an absolute IRI (RFC 3987), the check every IRI
// of a statement gets (Data 2.2, 4.3): for the verb and activity parameters
// of GET /statements (Communication 2.1.3).
func IsIRI(s string) bool { return isIRI(s) }

// ParseTimestamp reads a Timestamp (Data 4.5) as a statement of version v
// would carry it: ISO 8601 under 1.0.3 (no offset means UTC), RFC 3339 under
// 2.0; the "unknown local offset" forms -00, -0000 and -00:00 never. For the
// since and until parameters of GET /statements (Communication 2.1.3).
func ParseTimestamp(v Version, s string) (time.Time, bool) {
	return parseTimestamp(s, v == V200)
}
