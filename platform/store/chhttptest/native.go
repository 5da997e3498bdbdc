package chhttptest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ClickHouse/ch-go/proto"
)

// reencode converts chDB's Native output (the revision-less Native format:
// no block info, no custom-serialization flags) into blocks as a server of
// protocol revision rev sends them over HTTP, which is what clickhouse-go
// decodes after announcing client_protocol_version.
func reencode(in []byte, rev int) ([]byte, error) {
	r := proto.NewReader(bytes.NewReader(in))
	var out proto.Buffer
	for i := 0; ; i++ {
		cols, err := r.Int()
		if errors.Is(err, io.EOF) {
			return out.Buf, nil // clean end between blocks
		}
		if err != nil {
			return nil, fmt.Errorf("block %d: columns: %w", i, err)
		}
		rows, err := r.Int()
		if err != nil {
			return nil, fmt.Errorf("block %d: rows: %w", i, err)
		}
		input := make([]proto.InputColumn, cols)
		for j := range input {
			if input[j], err = decodeColumn(r, rows); err != nil {
				return nil, fmt.Errorf("block %d column %d: %w", i, j, err)
			}
		}
		block := proto.Block{Info: proto.BlockInfo{BucketNum: -1}, Columns: cols, Rows: rows}
		if err := block.EncodeBlock(&out, rev, input); err != nil {
			return nil, fmt.Errorf("encode block %d: %w", i, err)
		}
	}
}

func decodeColumn(r *proto.Reader, rows int) (proto.InputColumn, error) {
	name, err := r.Str()
	if err != nil {
		return proto.InputColumn{}, fmt.Errorf("name: %w", err)
	}
	typ, err := r.Str()
	if err != nil {
		return proto.InputColumn{}, fmt.Errorf("type: %w", err)
	}
	col, err := columnFor(proto.ColumnType(typ))
	if err != nil {
		return proto.InputColumn{}, fmt.Errorf("%s %s: %w", name, typ, err)
	}
	if rows > 0 {
		if s, ok := col.(proto.StateDecoder); ok {
			if err := s.DecodeState(r); err != nil {
				return proto.InputColumn{}, fmt.Errorf("%s state: %w", name, err)
			}
		}
		if err := col.DecodeColumn(r, rows); err != nil {
			return proto.InputColumn{}, fmt.Errorf("%s data: %w", name, err)
		}
	}
	return proto.InputColumn{Name: name, Data: col}, nil
}

// columnFor returns an empty column of type t: ch-go's inference, plus
// FixedString(N) of any N (ch-go infers only power-of-two sizes) at the top
// level or inside Array and Nullable.
func columnFor(t proto.ColumnType) (proto.Column, error) {
	if n, ok := fixedSize(t); ok {
		return &proto.ColFixedStr{Size: n}, nil
	}
	if elem, ok := fixedElem(t); ok {
		fs := &proto.ColFixedStr{Size: elem}
		switch t.Base() {
		case proto.ColumnTypeArray:
			return proto.NewArray[[]byte](fs), nil
		case proto.ColumnTypeNullable:
			return proto.NewColNullable[[]byte](fs), nil
		}
	}
	var auto proto.ColAuto
	if err := auto.Infer(t); err != nil {
		return nil, err
	}
	auto.Data.Reset()
	return auto.Data, nil
}

func fixedSize(t proto.ColumnType) (int, bool) {
	s := string(t)
	if !strings.HasPrefix(s, "FixedString(") || !strings.HasSuffix(s, ")") {
		return 0, false
	}
	n, err := strconv.Atoi(s[len("FixedString(") : len(s)-1])
	return n, err == nil && n > 0
}

func fixedElem(t proto.ColumnType) (int, bool) {
	switch t.Base() {
	case proto.ColumnTypeArray, proto.ColumnTypeNullable:
		return fixedSize(t.Elem())
	}
	return 0, false
}
