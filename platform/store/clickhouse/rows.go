package clickhouse

import (
	"fmt"
	"reflect"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// rows scans every column into the driver's own Go type first, then converts
// with store.Assign, so both engines apply the same Scan conversions.
type rows struct {
	r     driver.Rows
	names []string
	holds []any // pointers to values of the columns' scan types
}

func newRows(r driver.Rows) *rows {
	types := r.ColumnTypes()
	rs := &rows{r: r, names: r.Columns(), holds: make([]any, len(types))}
	for i, ct := range types {
		rs.holds[i] = reflect.New(ct.ScanType()).Interface()
	}
	return rs
}

func (rs *rows) Next() bool { return rs.r.Next() }

func (rs *rows) Scan(dest ...any) error {
	if len(dest) != len(rs.holds) {
		return fmt.Errorf("clickhouse: scan: %d destinations for %d columns", len(dest), len(rs.holds))
	}
	if err := rs.r.Scan(rs.holds...); err != nil {
		return fmt.Errorf("clickhouse: scan: %w", mapError(err))
	}
	for i, d := range dest {
		if err := store.Assign(d, natural(rs.holds[i])); err != nil {
			return fmt.Errorf("clickhouse: scan column %s: %w", rs.names[i], err)
		}
	}
	return nil
}

// natural dereferences a scan holder; a nil pointer (NULL) becomes nil.
func natural(hold any) any {
	v := reflect.ValueOf(hold).Elem()
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Interface()
}

func (rs *rows) Err() error {
	if err := rs.r.Err(); err != nil {
		return fmt.Errorf("clickhouse rows: %w", mapError(err))
	}
	return nil
}

func (rs *rows) Close() error {
	if err := rs.r.Close(); err != nil {
		return fmt.Errorf("clickhouse rows close: %w", mapError(err))
	}
	return nil
}
