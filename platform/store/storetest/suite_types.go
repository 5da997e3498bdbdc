package storetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// typesDDL holds one column of every Batch data type.
const typesDDL = `(
    n   UInt32,
    s   String,
    lc  LowCardinality(String),
    u8  UInt8,
    u16 UInt16,
    u32 UInt32,
    u64 UInt64,
    i64 Int64,
    ts  DateTime64(3, 'UTC'),
    id  UUID,
    arr Array(String),
    lca Array(LowCardinality(String))
) ENGINE = MergeTree ORDER BY n`

type typesRow struct {
	n   uint32
	s   string
	lc  string
	u8  uint8
	u16 uint16
	u32 uint32
	u64 uint64
	i64 int64
	ts  time.Time
	id  uuid.UUID
	arr []string
	lca []string
}

func typesBatch(table string, rows []typesRow) *store.Batch {
	var (
		n        []uint32
		s, lc    []string
		u8       []uint8
		u16      []uint16
		u32      []uint32
		u64      []uint64
		i64      []int64
		ts       []time.Time
		ids      []uuid.UUID
		arr, lca [][]string
	)
	for _, r := range rows {
		n, s, lc = append(n, r.n), append(s, r.s), append(lc, r.lc)
		u8, u16, u32, u64 = append(u8, r.u8), append(u16, r.u16), append(u32, r.u32), append(u64, r.u64)
		i64, ts, ids = append(i64, r.i64), append(ts, r.ts), append(ids, r.id)
		arr, lca = append(arr, r.arr), append(lca, r.lca)
	}
	return &store.Batch{Table: table, Columns: []store.Column{
		{Name: "n", Data: n}, {Name: "s", Data: s}, {Name: "lc", Data: lc},
		{Name: "u8", Data: u8}, {Name: "u16", Data: u16}, {Name: "u32", Data: u32},
		{Name: "u64", Data: u64}, {Name: "i64", Data: i64}, {Name: "ts", Data: ts},
		{Name: "id", Data: ids}, {Name: "arr", Data: arr}, {Name: "lca", Data: lca},
	}}
}

func testInsertAndScanEveryType(t *testing.T, e store.Engine, db string) {
	createDB(t, e, db)
	tbl := store.Table(db, "types")
	exec(t, e, "CREATE TABLE "+tbl+" "+typesDDL)
	want := []typesRow{
		{n: 1, s: "a", lc: "x", u8: 255, u16: 65535, u32: 1<<32 - 1, u64: 1<<64 - 1, i64: -1 << 63,
			ts: time.Date(2024, 2, 29, 23, 59, 59, 999e6, time.UTC), id: uuid.MustParse("01234567-89ab-cdef-0123-456789abcdef"),
			arr: []string{"p", "", "q"}, lca: []string{"l1", "l2"}},
		{n: 2, s: "", lc: "", ts: time.Unix(0, 0).UTC(), arr: []string{}, lca: []string{}},
		{n: 3, s: "c", lc: "x", u8: 1, u16: 2, u32: 3, u64: 4, i64: 1<<63 - 1,
			ts: time.Date(1999, 12, 31, 1, 2, 3, 4e6, time.UTC), id: uuid.New(), arr: []string{"only"}, lca: []string{"l2"}},
	}
	if err := e.Insert(ctx(t), typesBatch(tbl, want)); err != nil {
		t.Fatalf("Insert: %v", err)
	}
	var got []typesRow
	queryRows(t, e, "SELECT n, s, lc, u8, u16, u32, u64, i64, ts, id, arr, lca FROM "+tbl+" ORDER BY n", func(r store.Rows) error {
		var x typesRow
		err := r.Scan(&x.n, &x.s, &x.lc, &x.u8, &x.u16, &x.u32, &x.u64, &x.i64, &x.ts, &x.id, &x.arr, &x.lca)
		got = append(got, x)
		return err
	})
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.n != w.n || g.s != w.s || g.lc != w.lc || g.u8 != w.u8 || g.u16 != w.u16 || g.u32 != w.u32 ||
			g.u64 != w.u64 || g.i64 != w.i64 || !g.ts.Equal(w.ts) || g.ts.Location() != time.UTC ||
			g.id != w.id || !slices.Equal(g.arr, w.arr) || !slices.Equal(g.lca, w.lca) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if err := e.Insert(ctx(t), &store.Batch{Table: tbl}); err != nil {
		t.Errorf("Insert of an empty batch: %v", err)
	}
}

// testInsertNestedArrays inserts the Array(UUID) and Array(Array(String))
// column types and reads them back rendered as text.
func testInsertNestedArrays(t *testing.T, e store.Engine, db string) {
	createDB(t, e, db)
	tbl := store.Table(db, "nested")
	exec(t, e, "CREATE TABLE "+tbl+" (n UInt32, ids Array(UUID), nested Array(Array(String))) ENGINE = MergeTree ORDER BY n")
	a, b := uuid.MustParse("01234567-89ab-cdef-0123-456789abcdef"), uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479")
	batch := &store.Batch{Table: tbl, Columns: []store.Column{
		{Name: "n", Data: []uint32{1, 2}},
		{Name: "ids", Data: [][]uuid.UUID{{a, b}, {}}},
		{Name: "nested", Data: [][][]string{{{"x", "y"}, {}, {"z'"}}, {}}},
	}}
	if err := e.Insert(ctx(t), batch); err != nil {
		t.Fatalf("Insert: %v", err)
	}
	var got []string
	queryRows(t, e, "SELECT toString(ids), toString(nested) FROM "+tbl+" ORDER BY n", func(r store.Rows) error {
		var ids, nested string
		err := r.Scan(&ids, &nested)
		got = append(got, ids+" "+nested)
		return err
	})
	want := []string{"['" + a.String() + "','" + b.String() + "'] [['x','y'],[],['z\\'']]", "[] []"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// testScanConversions scans every source type into every destination the
// Rows contract allows.
func testScanConversions(t *testing.T, e store.Engine, _ string) {
	id := uuid.MustParse("f47ac10b-58cc-4372-a567-0e02b2c3d479")
	sql := `SELECT 'str', toLowCardinality('lc'), toFixedString('fix', 5), {id:UUID},
		toUInt8(200), toUInt16(60000), toUInt32(4000000000), toUInt64(18000000000000000000),
		toInt8(-8), toInt16(-16), toInt32(-32), toInt64(-64),
		toDateTime('2021-03-04 05:06:07', 'UTC'), toDateTime64('2021-03-04 05:06:07.891', 3, 'Asia/Tokyo'),
		['a', 'b'], [toLowCardinality('c')], true, toUInt8(0)`
	var (
		s, lc, fix, ids   string
		sb, fixb          []byte
		uid               uuid.UUID
		a8                uint8
		a16, b16          uint16
		a32, b32          uint32
		a64, b64          uint64
		i8, i16, i32, i64 int64
		iu32              int64
		dt, dt64          time.Time
		arr, lca          []string
		bTrue, bFromU8    bool
	)
	queryOneQ(t, e, store.Query{Text: sql, Params: store.Params{{Name: "id", Value: id}}}, &s, &lc, &fix, &ids, &a8, &a16, &a32, &a64, &i8, &i16, &i32, &i64, &dt, &dt64, &arr, &lca, &bTrue, &bFromU8)
	queryOneQ(t, e, store.Query{Text: "SELECT 'bytes', toFixedString('ab', 3), {id:UUID}, toUInt8(7), toUInt16(8), toUInt32(9), toUInt32(10)",
		Params: store.Params{{Name: "id", Value: id}}},
		&sb, &fixb, &uid, &b16, &b32, &b64, &iu32)
	check := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("String→string", s, "str")
	check("LowCardinality→string", lc, "lc")
	check("FixedString→string", fix, "fix\x00\x00")
	check("UUID→string", ids, id.String())
	check("UInt8→uint8", a8, 200)
	check("UInt16→uint16", a16, 60000)
	check("UInt32→uint32", a32, 4000000000)
	check("UInt64→uint64", a64, uint64(18000000000000000000))
	check("Int8→int64", i8, -8)
	check("Int16→int64", i16, -16)
	check("Int32→int64", i32, -32)
	check("Int64→int64", i64, -64)
	check("DateTime→time", dt, time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC))
	check("DateTime64 Tokyo→time UTC", dt64, time.Date(2021, 3, 3, 20, 6, 7, 891e6, time.UTC))
	check("Array(String)→[]string", arr, []string{"a", "b"})
	check("Array(LowCardinality)→[]string", lca, []string{"c"})
	check("Bool→bool", bTrue, true)
	check("UInt8→bool", bFromU8, false)
	check("String→[]byte", string(sb), "bytes")
	check("FixedString→[]byte", fixb, []byte("ab\x00"))
	check("UUID→uuid", uid, id)
	check("UInt8→uint16", b16, 7)
	check("UInt16→uint32", b32, 8)
	check("UInt32→uint64", b64, 9)
	check("UInt32→int64", iu32, 10)
	for _, v := range []time.Time{dt, dt64} {
		if v.Location() != time.UTC {
			t.Errorf("time %v not in UTC", v)
		}
	}
}

func testScanRejects(t *testing.T, e store.Engine, _ string) {
	cases := []struct {
		sql  string
		dest any
	}{
		{"SELECT toUInt64(1)", new(uint8)},
		{"SELECT toUInt32(1)", new(uint16)},
		{"SELECT toUInt64(1)", new(int64)},
		{"SELECT toInt64(-1)", new(uint64)},
		{"SELECT 'x'", new(uint64)},
		{"SELECT toUInt64(1)", new(string)},
		{"SELECT now()", new(string)},
		{"SELECT ['a']", new(string)},
	}
	for _, c := range cases {
		rows, err := e.Query(ctx(t), store.SQL(c.sql))
		if err != nil {
			t.Fatalf("Query(%s): %v", c.sql, err)
		}
		if !rows.Next() {
			t.Fatalf("Query(%s): no row: %v", c.sql, rows.Err())
		}
		if err := rows.Scan(c.dest); err == nil {
			t.Errorf("Scan(%s) into %T succeeded, want error", c.sql, c.dest)
		}
		if err := rows.Scan(c.dest, c.dest); err == nil {
			t.Errorf("Scan(%s) into 2 destinations for 1 column succeeded, want error", c.sql)
		}
		_ = rows.Close()
	}
}

// trickyStrings are the values every string path must keep byte for byte.
func trickyStrings() []string {
	big := make([]byte, 1<<20+17)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.UintN(256))
	}
	return []string{
		"", "plain", "it's 'quoted'", `"double"`, `back\slash\\`, `\0 \n literal escapes`,
		"nul\x00inside\x00", "\x00", "new\nline\r\ncr\ttab", "unicode ✓ 日本語 🎉", "\xff\xfe invalid utf-8",
		"FORMAT Native", "'); DROP TABLE x; --", strings.Repeat("\x00\\'\n", 1000), string(big),
	}
}

func testStringsRoundTrip(t *testing.T, e store.Engine, db string) {
	createDB(t, e, db)
	tbl := store.Table(db, "strs")
	exec(t, e, "CREATE TABLE "+tbl+" (n UInt32, s String, lc LowCardinality(String), a Array(String)) ENGINE = MergeTree ORDER BY n")
	vals := trickyStrings()
	n := make([]uint32, len(vals))
	arrs := make([][]string, len(vals))
	for i, v := range vals {
		n[i], arrs[i] = uint32(i), []string{v, "after"}
	}
	b := &store.Batch{Table: tbl, Columns: []store.Column{
		{Name: "n", Data: n}, {Name: "s", Data: vals}, {Name: "lc", Data: vals}, {Name: "a", Data: arrs},
	}}
	if err := e.Insert(ctx(t), b); err != nil {
		t.Fatalf("Insert: %v", err)
	}
	i := 0
	queryRows(t, e, "SELECT n, s, lc, a, s FROM "+tbl+" ORDER BY n", func(r store.Rows) error {
		var (
			k     uint32
			s, lc string
			a     []string
			raw   []byte
		)
		if err := r.Scan(&k, &s, &lc, &a, &raw); err != nil {
			return err
		}
		if k != uint32(i) || s != vals[i] || lc != vals[i] || !slices.Equal(a, []string{vals[i], "after"}) || !bytes.Equal(raw, []byte(vals[i])) {
			t.Errorf("row %d (len %d): value changed in the round trip (got key %d, len %d)", i, len(vals[i]), k, len(s))
		}
		i++
		return nil
	})
	if i != len(vals) {
		t.Fatalf("got %d rows, want %d", i, len(vals))
	}
}

// testParamsRoundTrip: a value reaches SQL only as a parameter of a Query
// (issue 9: "leave no value spliced into SQL text"), and comes back exactly,
// whatever bytes it holds, through each engine's binding.
func testParamsRoundTrip(t *testing.T, e store.Engine, _ string) {
	for _, v := range trickyStrings() {
		if len(v) > 64<<10 {
			continue // beyond max_query_size: parameters are for filter values
		}
		var got string
		var gotLen uint64
		queryOneQ(t, e, store.Query{Text: "SELECT {v:String}, length({v:String})", Params: store.Params{{Name: "v", Value: v}}}, &got, &gotLen)
		if got != v || gotLen != uint64(len(v)) {
			t.Errorf("String parameter %q came back as %q (length %d)", v, got, gotLen)
		}
	}
	small := []string{"a'b", `c\d`, "e\x00f", "ü", "{p1:String}", "with, comma", ""}
	for _, list := range [][]string{small, {"x", "y'", `z\`}, {""}, {}} {
		var ps store.Params
		var got []string
		queryOneQ(t, e, store.Query{Text: "SELECT " + ps.Strings(list), Params: ps}, &got)
		if !slices.Equal(got, list) && !(len(got) == 0 && len(list) == 0) {
			t.Errorf("Array(String) parameter came back as %q, want %q", got, list)
		}
	}
	var in uint8
	queryOneQ(t, e, store.Query{Text: "SELECT has({l:Array(String)}, 'e\\0f')", Params: store.Params{{Name: "l", Value: small}}}, &in)
	if in != 1 {
		t.Error("has(Array(String) parameter) did not match a member")
	}
	ids := []uuid.UUID{uuid.New(), uuid.MustParse("00000000-0000-0000-0000-000000000000")}
	var id uuid.UUID
	queryOneQ(t, e, store.Query{Text: "SELECT {id:UUID}", Params: store.Params{{Name: "id", Value: ids[0]}}}, &id)
	if id != ids[0] {
		t.Errorf("UUID parameter came back as %s, want %s", id, ids[0])
	}
	var set []string
	queryOneQ(t, e, store.Query{Text: "SELECT arrayMap(x -> toString(x), {ids:Array(UUID)})", Params: store.Params{{Name: "ids", Value: ids}}}, &set)
	if !slices.Equal(set, []string{ids[0].String(), ids[1].String()}) {
		t.Errorf("Array(UUID) parameter came back as %v", set)
	}
	queryOneQ(t, e, store.Query{Text: "SELECT {ids:Array(String)}", Params: store.Params{{Name: "ids", Value: ids}}}, &set)
	if !slices.Equal(set, []string{ids[0].String(), ids[1].String()}) {
		t.Errorf("UUIDs as an Array(String) parameter came back as %v", set)
	}
	queryOneQ(t, e, store.Query{Text: "SELECT has({ids:Array(UUID)}, {id:UUID})",
		Params: store.Params{{Name: "ids", Value: ids}, {Name: "id", Value: ids[1]}}}, &in)
	if in != 1 {
		t.Error("has(Array(UUID) parameter) did not find a member")
	}
	var n uint64
	queryOneQ(t, e, store.Query{Text: "SELECT length({a:Array(UUID)}) + length({b:Array(String)})",
		Params: store.Params{{Name: "a", Value: []uuid.UUID{}}, {Name: "b", Value: []uuid.UUID(nil)}}}, &n)
	if n != 0 {
		t.Errorf("empty Array(UUID) and Array(String) parameters hold %d elements", n)
	}
	var big uint64
	queryOneQ(t, e, store.Query{Text: "SELECT {n:UInt64} + 0", Params: store.Params{{Name: "n", Value: uint64(1) << 63}}}, &big)
	if big != 1<<63 {
		t.Errorf("UInt64 parameter came back as %d", big)
	}
	for _, ts := range []time.Time{
		time.Date(2025, 6, 7, 8, 9, 10, 123456789, time.FixedZone("x", 5*3600)),
		time.Unix(0, 0), time.Date(1969, 7, 20, 20, 17, 40, 5e6, time.UTC),
	} {
		var ps store.Params
		var got time.Time
		queryOneQ(t, e, store.Query{Text: "SELECT " + ps.Time(ts), Params: ps}, &got)
		if want := ts.Truncate(time.Millisecond).UTC(); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("Time parameter of %v came back as %v, want %v", ts, got, want)
		}
	}
}

// testPlaceholderInValue: a value holding placeholder syntax is a value: it
// is not bound again (the engine binds in one pass over the text).
func testPlaceholderInValue(t *testing.T, e store.Engine, _ string) {
	for _, v := range []string{"{b:String}", "'{b:String}'", `\'{b:String}`, "{b:UUID}", "{", "}{"} {
		var a, b string
		queryOneQ(t, e, store.Query{Text: "SELECT {a:String}, {b:String}",
			Params: store.Params{{Name: "a", Value: v}, {Name: "b", Value: "B"}}}, &a, &b)
		if a != v || b != "B" {
			t.Errorf("values (%q, B) came back as (%q, %q)", v, a, b)
		}
	}
	var s string
	queryOneQ(t, e, store.Query{Text: "SELECT '{a:String}' || {a:String}", Params: store.Params{{Name: "a", Value: "x"}}}, &s)
	if s != "{a:String}x" {
		t.Errorf("a placeholder inside a quoted literal of the text was bound: %q", s)
	}
}

// testMissingParam: a placeholder without a value, or with a value of
// another type, is an error, never an empty or unbound value.
func testMissingParam(t *testing.T, e store.Engine, _ string) {
	for _, q := range []store.Query{
		{Text: "SELECT {a:String}, {b:String}", Params: store.Params{{Name: "a", Value: "x"}}},
	} {
		if err := queryErrQ(t, e, q); err == nil {
			t.Errorf("%s with %v: no error", q.Text, q.Params)
		}
	}
}
