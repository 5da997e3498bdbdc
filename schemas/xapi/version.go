// Package xapi is the xAPI statement model shared by ingest and the processor:
// decoding, version negotiation, validation (xAPI 1.0.3 Data part and the
// xAPI 2.0.0 / IEEE 9274.1.1 changes), finalisation, canonical hashing for
// same-id comparison, and extraction of the query index.
//
// Statements are kept as decoded JSON (map[string]any with json.Number) so
// that they can be stored exactly as received (Data 2.2: the LRS must not
// return a different serialization). Validation is hand-written for speed.
package xapi

import (
	"errors"
	"fmt"
	"strings"
)

// Version is an xAPI specification line the LRS serves.
type Version string

const (
	V103 Version = "1.0.3"
	V200 Version = "2.0.0"
)

// ErrVersion marks a missing or unsupported X-Experience-API-Version header
// (Communication 3.3; 2.0 notes §1). Callers answer 400.
var ErrVersion = errors.New("xapi: missing or unsupported X-Experience-API-Version")

// NegotiateVersion maps a request's X-Experience-API-Version header to the
// specification line that serves it: "1.0" or "1.0.x" → V103, "2.0" or
// "2.0.x" → V200 (x: one or more digits). Anything else, including an empty
// header, returns an error wrapping ErrVersion.
func NegotiateVersion(header string) (Version, error) {
	h := strings.TrimSpace(header)
	switch {
	case h == "":
		return "", fmt.Errorf("%w: header missing", ErrVersion)
	case isVersionLine(h, "1.0"):
		return V103, nil
	case isVersionLine(h, "2.0"):
		return V200, nil
	}
	return "", fmt.Errorf("%w: %q", ErrVersion, header)
}

// isVersionLine reports whether s is line ("1.0") or line + "." + digits.
func isVersionLine(s, line string) bool {
	if s == line {
		return true
	}
	rest, ok := strings.CutPrefix(s, line+".")
	return ok && isDigits(rest)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// AboutVersions is the "version" array of the About resource: 1.0.0 plus the
// latest patch of each supported line (Communication 2.8; 2.0 notes §1.3.7).
func AboutVersions() []string {
	return []string{"1.0.0", "1.0.3", "2.0.0"}
}

// defaultStatementVersion is stamped on statements that arrive without one
// (Data 2.4.10: 1.0.0; for 2.0 requests we follow yetanalytics/lrsql, see the
// 2.0 notes §2.8).
func defaultStatementVersion(v Version) string {
	if v == V200 {
		return "2.0.0"
	}
	return "1.0.0"
}

// statementVersionOK applies Data 2.4.10 (1.0.3: "1.0" or "1.0.x": the
// version is "formatted as laid out for the API version header", and
// Communication 3.3 accepts a header of "1.0" as "1.0.0") and 9274.1.1
// 4.2.4.3 (2.0: "1.0", "1.0.x", "2.0" or "2.0.x").
func statementVersionOK(v Version, s string) bool {
	if v == V200 {
		return isVersionLine(s, "1.0") || isVersionLine(s, "2.0")
	}
	return isVersionLine(s, "1.0")
}
