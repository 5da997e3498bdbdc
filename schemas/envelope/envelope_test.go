package envelope

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestRoundTrip(t *testing.T) {
	in := &Envelope{V: Version, Kind: KindStatement, Tenant: "t1", ID: uuid.New(),
		Stored: time.UnixMilli(1700000000123).UTC(), Authority: []byte(`{"objectType":"Agent"}`),
		XAPIVersion: "2.0.0", ContentHash: "abc", Statement: []byte("{\"a\":\"x\\ny\"}")}
	v, err := in.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if out.ID != in.ID || !out.Stored.Equal(in.Stored) || string(out.Statement) != string(in.Statement) ||
		string(out.Authority) != string(in.Authority) || out.Tenant != "t1" || out.XAPIVersion != "2.0.0" {
		t.Fatalf("round trip changed the envelope: %+v", out)
	}
	if string(in.Key()) != in.ID.String() {
		t.Fatalf("statement key = %q, want the id", in.Key())
	}
}

func TestHeartbeatRoundTrip(t *testing.T) {
	in := &Envelope{V: Version, Kind: KindHeartbeat, Instance: "i1", LowWatermark: time.UnixMilli(5).UTC(), Final: true}
	v, err := in.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if out.Instance != "i1" || !out.Final || !out.LowWatermark.Equal(in.LowWatermark) {
		t.Fatalf("heartbeat changed: %+v", out)
	}
}

func TestUnmarshalRejectsMalformed(t *testing.T) {
	for name, v := range map[string]string{
		"no newline":      `{"v":1}`,
		"bad json":        "{\n{}",
		"wrong version":   "{\"v\":2,\"kind\":\"statement\"}\n{}",
		"unknown kind":    "{\"v\":1,\"kind\":\"x\"}\n",
		"missing tenant":  "{\"v\":1,\"kind\":\"statement\",\"id\":\"" + uuid.NewString() + "\"}\n{}",
		"empty heartbeat": "{\"v\":1,\"kind\":\"heartbeat\"}\n",
	} {
		if _, err := Unmarshal([]byte(v)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

// TestInProcessFieldsNeverSerialized: IDSupplied and Facts are handed over
// in process only; a message (Kafka, the write-ahead log) carries neither,
// so its consumer decodes the statement and treats its id as client-chosen.
func TestInProcessFieldsNeverSerialized(t *testing.T) {
	in := &Envelope{V: Version, Kind: KindStatement, Tenant: "t1", ID: uuid.New(),
		Stored: time.UnixMilli(1700000000123).UTC(), ContentHash: "abc", Statement: []byte(`{}`),
		IDSupplied: true, Facts: []byte("facts")}
	v, err := in.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if out.Facts != nil || out.IDSupplied {
		t.Fatalf("in-process fields serialized: %q", v)
	}
}
