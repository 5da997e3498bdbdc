package chdb

import (
	"bytes"
	"testing"
	"time"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// encodeRawBlock is ch-go's encoding of the whole block at once, the
// reference WriteNative must match byte for byte.
func encodeRawBlock(t *testing.T, b *store.Batch) []byte {
	t.Helper()
	n, err := b.Check()
	if err != nil {
		t.Fatal(err)
	}
	input := make([]proto.InputColumn, len(b.Columns))
	for i, c := range b.Columns {
		col, err := nativeColumn(c.Data)
		if err != nil {
			t.Fatal(err)
		}
		input[i] = proto.InputColumn{Name: c.Name, Data: col}
	}
	var buf proto.Buffer
	if err := (proto.Block{Columns: len(input), Rows: n}).EncodeRawBlock(&buf, 0, input); err != nil {
		t.Fatal(err)
	}
	return buf.Buf
}

func TestWriteNativeMatchesEncodeRawBlock(t *testing.T) {
	id := uuid.MustParse("0b8f3b8e-6f6a-4a57-9d43-2f4c4a9f7f10")
	at := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	long := string(bytes.Repeat([]byte("é"), 200)) // a length needing two uvarint bytes
	for name, rows := range map[string]int{"empty": 0, "rows": 3} {
		b := &store.Batch{Table: "t", Columns: []store.Column{
			{Name: "s", Data: []string{"", "a", long}[:rows]},
			{Name: "u8", Data: []uint8{1, 2, 3}[:rows]},
			{Name: "u64", Data: []uint64{1, 1 << 40, 3}[:rows]},
			{Name: "i64", Data: []int64{-1, 0, 1}[:rows]},
			{Name: "ts", Data: []time.Time{at, at.Add(time.Hour), at}[:rows]},
			{Name: "id", Data: []uuid.UUID{id, uuid.Nil, id}[:rows]},
			{Name: "as", Data: [][]string{{}, {"x", long}, {"y"}}[:rows]},
			{Name: "au", Data: [][]uuid.UUID{{id}, {}, {id, id}}[:rows]},
			{Name: "aas", Data: [][][]string{{{"a"}, {}}, {}, {{"b", "c"}}}[:rows]},
		}}
		var got bytes.Buffer
		if err := WriteNative(&got, b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := encodeRawBlock(t, b); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: WriteNative wrote %x, ch-go encodes %x", name, got.Bytes(), want)
		}
	}
}
