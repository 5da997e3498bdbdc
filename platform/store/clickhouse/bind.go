package clickhouse

import (
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// args turns a Query's parameters into clickhouse-go named values, which the
// driver sends to the server as query parameters (param_<name>, TSV-escaped
// text): the server binds them to the {name:Type} placeholders itself and
// the values never enter the SQL text. UUIDs go as their canonical text,
// the form the server parses.
func args(ps store.Params) ([]any, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	out := make([]any, len(ps))
	for i, p := range ps {
		v := p.Value
		switch x := v.(type) {
		case string, []string, int64, int32, uint64, uint32, uint16, uint8:
		case uuid.UUID:
			v = x.String()
		case []uuid.UUID:
			ss := make([]string, len(x))
			for j, id := range x {
				ss[j] = id.String()
			}
			v = ss
		default:
			return nil, fmt.Errorf("%w: {%s}: value of Go type %T", store.ErrBind, p.Name, p.Value)
		}
		out[i] = ch.Named(p.Name, v)
	}
	return out, nil
}
