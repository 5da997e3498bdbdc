package chdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/ch-go/proto"
	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// Insert writes the batch synchronously. chDB takes queries as C strings, so
// rows cannot travel inside the SQL text (a NUL would cut it): the batch is
// encoded as one Native block into a temporary file that the INSERT reads
// (see createBatchFile).
func (e *Engine) Insert(ctx context.Context, b *store.Batch) error {
	if n, err := b.Check(); err != nil || n == 0 {
		return err
	}
	buf, err := EncodeNative(b)
	if err != nil {
		return fmt.Errorf("chdb insert into %s: %w", b.Table, err)
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
	if _, err := f.Write(buf); err != nil {
		return fmt.Errorf("chdb insert into %s: write batch file: %w", b.Table, err)
	}
	cols := make([]string, len(b.Columns))
	for i, c := range b.Columns {
		cols[i] = store.Ident(c.Name)
	}
	sql := "INSERT INTO " + b.Table + " (" + strings.Join(cols, ", ") + ") FROM INFILE " +
		store.String(f.Name()) + " SETTINGS " + insertSettings(b.DedupToken) + " FORMAT Native"
	if _, err := e.run(ctx, e.pool.writers, sql, "Null"); err != nil {
		return fmt.Errorf("chdb insert into %s: %w", b.Table, err)
	}
	return nil
}

// insertSettings is the SETTINGS clause of an insert: synchronous, and
// idempotent under token when there is one (store.DedupSettings).
func insertSettings(token string) string {
	out := "async_insert = 0"
	if token == "" {
		return out
	}
	set := store.DedupSettings(token)
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		switch v := set[name].(type) {
		case string:
			out += ", " + name + " = " + store.String(v)
		case int:
			out += ", " + name + " = " + strconv.Itoa(v)
		}
	}
	return out
}

// EncodeNative encodes a batch as one block of ClickHouse's Native format as
// the Native input format reads it (no block info, no serialization flags).
func EncodeNative(b *store.Batch) ([]byte, error) {
	n, err := b.Check()
	if err != nil {
		return nil, err
	}
	input := make([]proto.InputColumn, len(b.Columns))
	for i, c := range b.Columns {
		col, err := nativeColumn(c.Data)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		input[i] = proto.InputColumn{Name: c.Name, Data: col}
	}
	var buf proto.Buffer
	block := proto.Block{Columns: len(input), Rows: n}
	if err := block.EncodeRawBlock(&buf, 0, input); err != nil {
		return nil, fmt.Errorf("encode native block: %w", err)
	}
	return buf.Buf, nil
}

func nativeColumn(data any) (proto.ColInput, error) {
	switch d := data.(type) {
	case []string:
		col := new(proto.ColStr)
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
		col := new(proto.ColStr).Array()
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
