package statements

import (
	"encoding/base64"
	"errors"
	"reflect"
	"testing"

	"github.com/google/uuid"
)

func TestCursorRoundTrip(t *testing.T) {
	f := Filter{Agent: "account:http://h|n", RelatedAgents: true, Verb: "http://v", Activity: "http://a",
		RelatedActivities: true, Registration: "ff0e2c8a-0b4d-4c1a-9d8e-3c5a6f7b8c9d",
		Since: ms("2024-01-01T00:00:00.001Z"), Until: ms("2024-02-01T00:00:00Z"), Limit: 25, Ascending: true,
		Format: FormatIDs, Attachments: true}
	c := NewCursor(f, *ms("2024-03-01T00:00:00Z"))
	for _, c := range []Cursor{c, c.Next(Position{Stored: *ms("2024-01-05T00:00:00.999Z"), ID: uuid.New()})} {
		got, err := DecodeCursor(c.Encode(), lim)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, c)
		}
	}
	// A smaller server maximum since the token was issued caps the page.
	got, err := DecodeCursor(c.Encode(), Limits{Default: 5, Max: 10})
	if err != nil || got.Filter.Limit != 10 {
		t.Errorf("limit %d, %v; want 10", got.Filter.Limit, err)
	}
}

func TestCursorInvalid(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, tok := range map[string]string{
		"empty":         "",
		"not base64":    "***",
		"not json":      enc("hello"),
		"wrong version": enc(`{"v":2,"l":1,"b":0}`),
		"unknown field": enc(`{"v":1,"l":1,"b":0,"tenant":"other"}`),
		"zero limit":    enc(`{"v":1,"l":0,"b":0}`),
		"bad format":    enc(`{"v":1,"l":1,"b":0,"f":"full"}`),
		"bad reg":       enc(`{"v":1,"l":1,"b":0,"rg":"x"}`),
		"half position": enc(`{"v":1,"l":1,"b":0,"as":5}`),
		"bad after id":  enc(`{"v":1,"l":1,"b":0,"as":5,"ai":"x"}`),
		"trailing data": enc(`{"v":1,"l":1,"b":0}{}`),
		"padded base64": base64.URLEncoding.EncodeToString([]byte(`{"v":1,"l":1,"b":0}`)),
	} {
		if _, err := DecodeCursor(tok, lim); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s: %v, want ErrBadRequest", name, err)
		}
	}
}
