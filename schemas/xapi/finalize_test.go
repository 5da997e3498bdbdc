package xapi

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

var authority = map[string]any{"objectType": "Agent", "account": map[string]any{"homePage": "http://lrs.example.com", "name": "client-1"}}

func TestFinalize(t *testing.T) {
	stored := time.Date(2026, 11, 26, 11, 0, 0, 123456789, time.FixedZone("CET", 3600))
	cases := []struct {
		name, patch             string
		v                       Version
		wantID, wantTS, wantVer string
	}{
		{"Data_2.4.1_keeps_id", ``, V103, "2a41c918-b88b-4b20-a0a5-a4c32391aaa0", "2026-11-26T09:59:58.345+01:00", "1.0.0"},
		{"Data_2.4.7_timestamp_defaults_to_stored", `{"-":["timestamp"]}`, V103, "", "2026-11-26T10:00:00.123Z", "1.0.0"},
		{"Data_2.4.10_keeps_version", `{"version":"1.0.2"}`, V103, "", "", "1.0.2"},
		{"9274.1.1_4.2.4.3_default_version_2.0.0", ``, V200, "", "2026-11-26T08:59:58.345Z", "2.0.0"},
		{"9274.1.1_4.2.7_timestamp_to_utc", `{"timestamp":"2008-09-15 15:53:00.601-05:00"}`, V200, "", "2008-09-15T20:53:00.601Z", "2.0.0"},
		{"9274.1.1_4.2.7_timestamp_to_utc_keeps_precision", `{"timestamp":"2008-09-15T15:53:00.60123+02:00"}`, V200, "", "2008-09-15T13:53:00.60123Z", "2.0.0"},
		{"9274.1.1_4.2.7_timestamp_seconds_gets_ms", `{"timestamp":"2008-09-15T15:53:00Z"}`, V200, "", "2008-09-15T15:53:00.000Z", "2.0.0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := patched(t, c.patch)
			if err := Validate(c.v, s); err != nil {
				t.Fatal(err)
			}
			id, err := Finalize(s, c.v, stored, authority)
			if err != nil {
				t.Fatal(err)
			}
			if id.String() != s["id"] {
				t.Errorf("returned id %s, statement id %v", id, s["id"])
			}
			if c.wantID != "" && id.String() != c.wantID {
				t.Errorf("id = %s, want %s", id, c.wantID)
			}
			if s["stored"] != "2026-11-26T10:00:00.123Z" {
				t.Errorf("stored = %v", s["stored"])
			}
			if c.wantTS != "" && s["timestamp"] != c.wantTS {
				t.Errorf("timestamp = %v, want %s", s["timestamp"], c.wantTS)
			}
			if s["version"] != c.wantVer {
				t.Errorf("version = %v, want %s", s["version"], c.wantVer)
			}
			if toJSON(t, s["authority"]) != toJSON(t, authority) {
				t.Errorf("authority = %v", s["authority"])
			}
			if err := Validate(c.v, s); err != nil {
				t.Errorf("finalized statement no longer validates: %v", err)
			}
		})
	}
}

func TestFinalizeAssignsRandomID(t *testing.T) {
	s := patched(t, `{"-":["id"],"stored":"2000-01-01T00:00:00Z","authority":{"mbox":"mailto:forged@e.com"}}`)
	id, err := Finalize(s, V103, time.Now(), authority)
	if err != nil {
		t.Fatal(err)
	}
	if id.Version() != 4 || s["id"] != id.String() {
		t.Fatalf("Data_2.4.1 id = %s (v%d), statement id %v", id, id.Version(), s["id"])
	}
	if s["stored"] == "2000-01-01T00:00:00Z" || toJSON(t, s["authority"]) != toJSON(t, authority) {
		t.Fatalf("Data_2.4.8/2.4.9 stored and authority must be overwritten: %v %v", s["stored"], s["authority"])
	}
	if _, err := Finalize(patched(t, `{"id":"nope"}`), V103, time.Now(), authority); err == nil || id == uuid.Nil {
		t.Fatal("Finalize accepted an invalid id")
	}
}
