package chhttptest

import (
	"bytes"
	"errors"
	"fmt"
	"io"

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
		var (
			block   proto.Block
			results proto.Results
		)
		if err := block.DecodeBlock(r, 0, results.Auto()); err != nil {
			if errors.Is(err, io.EOF) && block.Columns == 0 && block.Rows == 0 {
				return out.Buf, nil // clean end between blocks
			}
			return nil, fmt.Errorf("decode block %d: %w", i, err)
		}
		input := make([]proto.InputColumn, len(results))
		for j, c := range results {
			col, ok := c.Data.(proto.ColInput)
			if !ok {
				return nil, fmt.Errorf("block %d column %s: type %s cannot be encoded", i, c.Name, c.Data.Type())
			}
			input[j] = proto.InputColumn{Name: c.Name, Data: col}
		}
		block.Info = proto.BlockInfo{BucketNum: -1}
		if err := block.EncodeBlock(&out, rev, input); err != nil {
			return nil, fmt.Errorf("encode block %d: %w", i, err)
		}
	}
}
