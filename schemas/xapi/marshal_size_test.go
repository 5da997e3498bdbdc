package xapi

import "testing"

// TestMarshalKeepsNoSpareCapacity: an encoded statement holds its bytes
// only; a request keeps thousands of them until they are stored.
func TestMarshalKeepsNoSpareCapacity(t *testing.T) {
	for _, body := range []string{`{}`, `{"actor":{"mbox":"mailto:a@b.c"}}`, baseStatement} {
		b, err := Marshal(mustDecode(t, body))
		if err != nil {
			t.Fatal(err)
		}
		if cap(b) != len(b) {
			t.Errorf("%.30s: %d bytes with capacity %d", body, len(b), cap(b))
		}
	}
}
