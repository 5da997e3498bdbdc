package watermark

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/envelope"
)

const ttl = 10 * time.Second

// msg is one message of a partition: a heartbeat (inst set), a statement, or
// garbage (nil envelope).
type msg struct {
	inst    string
	lw      int64 // seconds
	final   bool
	stmt    bool
	garbage bool
}

func (m msg) envelope() *envelope.Envelope {
	switch {
	case m.garbage:
		return nil
	case m.stmt:
		return &envelope.Envelope{V: 1, Kind: envelope.KindStatement, Tenant: "t", ID: uuid.New(),
			Stored: time.Unix(1, 0), ContentHash: "h", Statement: []byte("{}")}
	}
	return &envelope.Envelope{V: 1, Kind: envelope.KindHeartbeat, Instance: m.inst,
		LowWatermark: time.Unix(m.lw, 0).UTC(), Final: m.final}
}

func hb(inst string, lw int64) msg    { return msg{inst: inst, lw: lw} }
func final(inst string, lw int64) msg { return msg{inst: inst, lw: lw, final: true} }

// sec returns the expected watermark for LW seconds: LW − 1 ms.
func sec(s int64) time.Time { return time.Unix(s, 0).Add(-time.Millisecond).UTC() }

func TestPartition(t *testing.T) {
	none := time.Time{}
	for _, tc := range []struct {
		name string
		msgs []msg
		want time.Time // zero: not ok
	}{
		{"no heartbeat yet", []msg{{stmt: true}}, none},
		{"one instance", []msg{hb("a", 100), {stmt: true}, hb("a", 101)}, sec(101)},
		{"min over instances", []msg{hb("a", 100), hb("b", 98), hb("a", 105)}, sec(98)},
		{"slow instance holds the watermark back", []msg{hb("a", 100), hb("b", 100), hb("a", 101), hb("a", 102), hb("a", 108)}, sec(100)},
		{"late instance pulls the watermark back", []msg{hb("a", 100), hb("a", 105), hb("b", 103)}, sec(103)},
		{"final drops the instance", []msg{hb("a", 100), hb("b", 90), final("b", 95)}, sec(100)},
		{"final of the only instance keeps its LW", []msg{hb("a", 100), final("a", 104)}, sec(104)},
		{"instance returns after final", []msg{hb("a", 100), final("a", 104), hb("a", 106), hb("b", 110)}, sec(106)},
		{"TTL expiry in log time", []msg{hb("a", 100), hb("b", 90), hb("a", 111)}, sec(111)},
		{"within TTL stays", []msg{hb("a", 100), hb("b", 90), hb("a", 100)}, sec(90)},
		{"exactly TTL stays", []msg{hb("b", 90), hb("a", 100)}, sec(90)},
		{"expired instance that comes back counts again", []msg{hb("b", 90), hb("a", 101), hb("b", 95)}, sec(95)},
		{"garbage and statements change nothing", []msg{hb("a", 100), {garbage: true}, {stmt: true}}, sec(100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New()
			for i, m := range tc.msgs {
				p.Apply(int64(i), m.envelope(), ttl)
			}
			w, ok := p.Watermark()
			if ok != !tc.want.IsZero() || !w.Equal(tc.want) {
				t.Fatalf("watermark = %v, %v; want %v", w, ok, tc.want)
			}
			if p.Offset != int64(len(tc.msgs)-1) {
				t.Fatalf("offset = %d", p.Offset)
			}
		})
	}
}

// TestRedeliveryIgnored: re-applying offsets already in the state (a batch
// redelivered after a crash between progress write and commit) changes nothing.
func TestRedeliveryIgnored(t *testing.T) {
	p := New()
	p.Apply(0, hb("a", 100).envelope(), ttl)
	p.Apply(1, final("a", 101).envelope(), ttl)
	p.Apply(0, hb("a", 100).envelope(), ttl) // would resurrect a
	p.Apply(1, hb("z", 1).envelope(), ttl)
	if w, _ := p.Watermark(); !w.Equal(sec(101)) || len(p.Instances) != 0 {
		t.Fatalf("redelivery changed the state: %v %v", w, p.Instances)
	}
}

// TestRestart: a state persisted mid-stream and restored continues exactly as
// an uninterrupted one, and still knows live instances.
func TestRestart(t *testing.T) {
	msgs := []msg{hb("a", 100), hb("b", 95), {stmt: true}, hb("a", 103), final("c", 50), hb("b", 99), hb("a", 120)}
	whole := New()
	for i, m := range msgs {
		whole.Apply(int64(i), m.envelope(), ttl)
	}
	for cut := range msgs {
		first := New()
		for i, m := range msgs[:cut] {
			first.Apply(int64(i), m.envelope(), ttl)
		}
		b, err := first.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		restored, err := Restore(b)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(msgs); i++ { // redelivery from the start too
			restored.Apply(int64(i), msgs[i].envelope(), ttl)
		}
		w1, ok1 := whole.Watermark()
		w2, ok2 := restored.Watermark()
		if ok1 != ok2 || !w1.Equal(w2) || len(whole.Instances) != len(restored.Instances) {
			t.Fatalf("cut %d: restored %v %v %v, whole %v %v %v", cut, w2, ok2, restored.Instances, w1, ok1, whole.Instances)
		}
	}
	if _, err := Restore([]byte("{")); err == nil {
		t.Fatal("Restore accepted garbage")
	}
}

func TestCloneIndependent(t *testing.T) {
	p := New()
	p.Apply(0, hb("a", 100).envelope(), ttl)
	c := p.Clone()
	c.Apply(1, hb("b", 50).envelope(), ttl)
	if w, _ := p.Watermark(); !w.Equal(sec(100)) || p.Offset != 0 {
		t.Fatalf("clone shares state with the original: %v", w)
	}
}
