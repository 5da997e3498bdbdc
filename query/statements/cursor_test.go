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
		got, err := testCursors.Decode(testCursors.Encode(c), lim)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, c)
		}
	}
	// A smaller server maximum since the token was issued caps the page.
	got, err := testCursors.Decode(testCursors.Encode(c), Limits{Default: 5, Max: 10})
	if err != nil || got.Filter.Limit != 10 {
		t.Errorf("limit %d, %v; want 10", got.Filter.Limit, err)
	}
}

var testKey = []byte("0123456789abcdef0123456789abcdef")

var testCursors = mustCursors(testKey)

func mustCursors(keys ...[]byte) *Cursors {
	c, err := NewCursors(keys)
	if err != nil {
		panic(err)
	}
	return c
}

// sign makes a token of payload as Encode would, signed with key.
func sign(key []byte, payload string) string {
	return base64.RawURLEncoding.EncodeToString(append(mac(key, []byte(payload)), payload...))
}

// Tokens that verify but do not hold a valid cursor.
func TestCursorInvalid(t *testing.T) {
	enc := func(s string) string { return sign(testKey, s) }
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
		"padded base64": base64.URLEncoding.EncodeToString(append(mac(testKey, []byte(`{"v":1,"l":1,"b":10}`)), `{"v":1,"l":1,"b":10}`...)),
	} {
		if _, err := testCursors.Decode(tok, lim); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s: %v, want ErrBadRequest", name, err)
		}
	}
}

// Issue 7 item 11: the more cursor is tamper-proof. A token not signed with
// the installation's key, or changed after signing (any byte of the cursor
// or of the signature), is refused; a token signed with any key of the
// installation is accepted, and tokens are signed with the first.
func TestCommunication2_1_3_MoreCursorSignedWithTheInstallationKey(t *testing.T) {
	c := NewCursor(Filter{Verb: "http://v", Limit: 5, Format: FormatExact}, *ms("2024-03-01T00:00:00Z"))
	tok := testCursors.Encode(c)
	if _, err := testCursors.Decode(tok, lim); err != nil {
		t.Fatalf("the issued token: %v", err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	for i := range raw {
		edited := append([]byte{}, raw...)
		edited[i] ^= 0x01
		if _, err := testCursors.Decode(base64.RawURLEncoding.EncodeToString(edited), lim); !errors.Is(err, ErrBadRequest) {
			t.Fatalf("byte %d altered: %v, want ErrBadRequest", i, err)
		}
	}
	payload := string(raw[32:])
	otherKey := []byte("another installation's key, 32B.")
	for name, forged := range map[string]string{
		"unsigned":        base64.RawURLEncoding.EncodeToString([]byte(payload)),
		"another key":     sign(otherKey, payload),
		"signature only":  base64.RawURLEncoding.EncodeToString(raw[:32]),
		"bound moved":     sign(otherKey, `{"v":1,"vb":"http://v","l":5,"b":99999999999999}`),
		"truncated":       tok[:len(tok)-2],
		"empty":           "",
		"signature of ''": base64.RawURLEncoding.EncodeToString(mac(testKey, nil)),
	} {
		if _, err := testCursors.Decode(forged, lim); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s: %v, want ErrBadRequest", name, err)
		}
	}
	// Several keys (a raced key generation): any verifies, the first signs.
	both := mustCursors(otherKey, testKey)
	if _, err := both.Decode(tok, lim); err != nil {
		t.Errorf("a token of the second key: %v", err)
	}
	if _, err := testCursors.Decode(both.Encode(c), lim); !errors.Is(err, ErrBadRequest) {
		t.Error("the first key does not sign")
	}
	if _, err := NewCursors(nil); err == nil {
		t.Error("no key accepted")
	}
	if _, err := NewCursors([][]byte{[]byte("short")}); err == nil {
		t.Error("a short key accepted")
	}
}
