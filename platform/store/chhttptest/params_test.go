package chhttptest

import (
	"errors"
	"net/url"
	"testing"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// TestParamsBoundLikeTheServer: a param_<name> argument is the value's text
// in the escaped TabSeparated format, read whole (what clickhouse-go sends
// for clickhouse.Named), bound as a literal; a placeholder without one is
// error 456 UNKNOWN_QUERY_PARAMETER.
func TestParamsBoundLikeTheServer(t *testing.T) {
	for in, want := range map[string]string{
		`plain`: "plain", `a\tb`: "a\tb", `\\`: `\`, `\'`: `'`, `\x41\0`: "A\x00", `q'q`: "q'q", `\N`: "N", `end\`: `end\`,
	} {
		if got := unescapeTSV(in); got != want {
			t.Errorf("unescapeTSV(%q) = %q, want %q", in, got, want)
		}
	}
	got, err := bindParams("SELECT {s:String}, {n:UInt64}, '{s:String}'", url.Values{"param_s": {`it\'s {n:UInt64}`}, "param_n": {"7"}})
	if want := `SELECT 'it\'s {n:UInt64}', CAST('7' AS UInt64), '{s:String}'`; err != nil || got != want {
		t.Errorf("bindParams = %q, %v; want %q", got, err, want)
	}
	_, err = bindParams("SELECT {s:String}, {t:String}", url.Values{"param_s": {"x"}})
	var se *store.ServerError
	if !errors.As(err, &se) || se.Code != 456 {
		t.Errorf("missing parameter: %v, want code 456", err)
	}
}
