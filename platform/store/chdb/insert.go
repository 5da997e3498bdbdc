package chdb

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Insert writes the batch synchronously. chDB takes queries as C strings, so
// rows cannot travel inside the SQL text (a NUL would cut it): the batch is
// written as one Native block into a temporary file that the INSERT reads
// (see createBatchFile).
func (e *Engine) Insert(ctx context.Context, b *store.Batch) error {
	if n, err := b.Check(); err != nil || n == 0 {
		return err
	}
	f, err := createBatchFile(e.tmpDir)
	if err != nil {
		return fmt.Errorf("chdb insert into %s: %w", b.Table, err)
	}
	// Removed before it is closed: the flock keeps other processes' start-up
	// sweep away from it until then.
	defer func() {
		_ = os.Remove(f.Name())
		_ = f.Close()
	}()
	if err := WriteNative(f, b); err != nil {
		return fmt.Errorf("chdb insert into %s: write batch file: %w", b.Table, err)
	}
	cols := make([]string, len(b.Columns))
	for i, c := range b.Columns {
		cols[i] = store.Ident(c.Name)
	}
	sql := "INSERT INTO " + b.Table + " (" + strings.Join(cols, ", ") + ") FROM INFILE " +
		Literal(f.Name()) + " SETTINGS " + insertSettings(b.DedupToken) + " FORMAT Native"
	if _, err := e.run(ctx, e.pool.writers, sql, "Null"); err != nil {
		return fmt.Errorf("chdb insert into %s: %w", b.Table, err)
	}
	return nil
}

// WriteNative writes a batch to w as one block of ClickHouse's Native format
// as the Native input format reads it (no block info, no serialization
// flags), the bytes proto.Block.EncodeRawBlock encodes, but one column at a
// time and String columns straight from their strings: the block is never
// held in memory, nor a second copy of its strings.
func WriteNative(w io.Writer, b *store.Batch) error {
	n, err := b.Check()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf proto.Buffer
	buf.PutInt(len(b.Columns))
	buf.PutInt(n)
	for _, c := range b.Columns {
		if strs, ok := c.Data.([]string); ok {
			proto.InputColumn{Name: c.Name, Data: proto.ColStr{}}.EncodeStart(&buf, 0)
			if _, err := bw.Write(buf.Buf); err != nil {
				return fmt.Errorf("write native block: %w", err)
			}
			buf.Reset()
			if err := writeStrings(bw, strs); err != nil {
				return fmt.Errorf("write native block: %w", err)
			}
			continue
		}
		col, err := nativeColumn(c.Data)
		if err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
		proto.InputColumn{Name: c.Name, Data: col}.EncodeStart(&buf, 0)
		if p, ok := col.(proto.Preparable); ok {
			if err := p.Prepare(); err != nil {
				return fmt.Errorf("column %s: %w", c.Name, err)
			}
		}
		if n > 0 {
			if s, ok := col.(proto.StateEncoder); ok {
				s.EncodeState(&buf)
			}
			col.EncodeColumn(&buf)
		}
		if _, err := bw.Write(buf.Buf); err != nil {
			return fmt.Errorf("write native block: %w", err)
		}
		buf.Reset()
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write native block: %w", err)
	}
	return nil
}

// writeStrings writes the rows of a String column as proto.ColStr encodes
// them: each one's length as a uvarint, then its bytes.
func writeStrings(w *bufio.Writer, strs []string) error {
	var n [binary.MaxVarintLen64]byte
	for _, s := range strs {
		if _, err := w.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))]); err != nil {
			return err
		}
		if _, err := w.WriteString(s); err != nil {
			return err
		}
	}
	return nil
}

func nativeColumn(data any) (proto.ColInput, error) {
	switch d := data.(type) {
	case []string:
		col := sizedColStr(d)
		col.AppendArr(d)
		return col, nil
	case []uint8:
		return proto.ColUInt8(d), nil
	case []uint16:
		return proto.ColUInt16(d), nil
	case []uint32:
		return proto.ColUInt32(d), nil
	case []uint64:
		return proto.ColUInt64(d), nil
	case []int64:
		return proto.ColInt64(d), nil
	case []time.Time:
		col := new(proto.ColDateTime64).WithPrecision(proto.PrecisionMilli).WithLocation(time.UTC)
		col.AppendArr(d)
		return col, nil
	case []uuid.UUID:
		return proto.ColUUID(d), nil
	case [][]string:
		col := sizedColStr(d...).Array()
		col.AppendArr(d)
		return col, nil
	case [][]uuid.UUID:
		col := proto.NewArray[uuid.UUID](new(proto.ColUUID))
		col.AppendArr(d)
		return col, nil
	case [][][]string:
		col := proto.NewArray[[]string](new(proto.ColStr).Array())
		col.AppendArr(d)
		return col, nil
	case nil:
		return nil, errors.New("no data")
	default:
		return nil, fmt.Errorf("unsupported data type %T", data)
	}
}

// sizedColStr is an empty String column with room for the strings of
// lists, so that appending them copies each once (no growing buffer).
func sizedColStr(lists ...[]string) *proto.ColStr {
	size, rows := 0, 0
	for _, l := range lists {
		for _, s := range l {
			size += len(s)
		}
		rows += len(l)
	}
	return &proto.ColStr{Buf: make([]byte, 0, size), Pos: make([]proto.Position, 0, rows)}
}
