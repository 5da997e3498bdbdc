package chdb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// TestDecodeMoreTypes covers the decoders the conformance suite does not:
// Nullable, Date, Date32, signed narrow ints, floats, negative DateTime64.
func TestDecodeMoreTypes(t *testing.T) {
	e := open(t)
	rs, err := e.Query(context.Background(), store.SQL(`SELECT
		CAST(NULL AS Nullable(String)), CAST('x' AS Nullable(String)), toDate('2020-02-03'), toDate32('1950-01-02'),
		toInt8(-5), toFloat64(1.5), toDateTime64('1960-05-06 07:08:09.123456', 6, 'UTC'), [toUInt8(1), 2]`))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if !rs.Next() {
		t.Fatal(rs.Err())
	}
	r := rs.(*rows)
	want := []string{"<nil>", "x", "2020-02-03 00:00:00 +0000 UTC", "1950-01-02 00:00:00 +0000 UTC",
		"-5", "1.5", "1960-05-06 07:08:09.123456 +0000 UTC", "[1 2]"}
	for i, w := range want {
		if got := fmt.Sprint(r.values[i]); got != w {
			t.Errorf("column %d = %s, want %s", i, got, w)
		}
	}
	var s string
	if err := rs.Scan(&s, &s, new(time.Time), new(time.Time), new(int64), new(string), new(time.Time), new([]string)); err == nil {
		t.Error("Scan of NULL into *string succeeded, want error")
	}
	if rs.Next() {
		t.Error("second row from a one-row result")
	}
	if _, err := e.Query(context.Background(), store.SQL("SELECT map('a', 1)")); err == nil {
		t.Error("Query of an unsupported type succeeded, want error")
	}
}
