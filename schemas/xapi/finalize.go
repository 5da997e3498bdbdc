package xapi

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// storedLayout renders LRS-assigned times: UTC, millisecond precision.
const storedLayout = "2006-01-02T15:04:05.000Z"

// Finalize applies the LRS-side assignments to a validated statement
// (Data 2.4.1, 2.4.7–2.4.10; 9274.1.1 4.2.4.2) and returns its id:
//
//   - "id": kept if present, otherwise a random (v4) UUID;
//   - "stored": stored in UTC, millisecond precision, overwriting any value;
//   - "authority": overwritten with authority;
//   - "version": set if missing ("1.0.0" for V103, "2.0.0" for V200);
//   - "timestamp": set to the stored value if missing; under V200 an
//     existing timestamp (and a SubStatement's) is converted to UTC, keeping
//     at least millisecond precision;
//   - "context.contextActivities": a single Activity Object becomes an
//     array of one (Data 2.4.6.2), also in a SubStatement, so the stored
//     statement is returned that way in every format.
//
// It fails only on an id or timestamp that Validate would have rejected.
func Finalize(s Statement, v Version, stored time.Time, authority map[string]any) (uuid.UUID, error) {
	var id uuid.UUID
	if raw, ok := s["id"]; ok {
		str, _ := raw.(string)
		if !isUUID(str) {
			return uuid.Nil, fmt.Errorf("%w: id is not a UUID", ErrInvalid)
		}
		id = uuid.MustParse(str)
	} else {
		id = uuid.New()
		s["id"] = id.String()
	}
	storedStr := stored.UTC().Truncate(time.Millisecond).Format(storedLayout)
	s["stored"] = storedStr
	s["authority"] = authority
	ContextActivitiesAsArrays(s)
	if _, ok := s["version"]; !ok {
		s["version"] = defaultStatementVersion(v)
	}
	if _, ok := s["timestamp"]; !ok {
		s["timestamp"] = storedStr
	} else if v == V200 {
		if err := timestampToUTC(s); err != nil {
			return uuid.Nil, err
		}
	}
	if v == V200 {
		if sub, ok := s["object"].(map[string]any); ok && sub["objectType"] == "SubStatement" {
			if _, has := sub["timestamp"]; has {
				if err := timestampToUTC(sub); err != nil {
					return uuid.Nil, err
				}
			}
		}
	}
	return id, nil
}

// timestampToUTC rewrites m["timestamp"] in UTC (9274.1.1 4.2.7: convert,
// don't reject), with a "T" separator and as many fraction digits as needed,
// but at least three.
func timestampToUTC(m map[string]any) error {
	str, _ := m["timestamp"].(string)
	t, ok := parseTimestamp(str, true)
	if !ok {
		return fmt.Errorf("%w: timestamp %q is not RFC 3339", ErrInvalid, str)
	}
	m["timestamp"] = formatUTC(t)
	return nil
}

func formatUTC(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()%int(time.Millisecond) == 0 {
		return t.Format(storedLayout)
	}
	return t.Format("2006-01-02T15:04:05.999999999Z") // > 3 digits: ns % 1ms != 0
}
