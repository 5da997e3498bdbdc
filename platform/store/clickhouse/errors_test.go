package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/tributary-lrs/tributary/schemas/store"
)

func TestMapError(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{}}
	cases := []struct {
		name        string
		err         error
		code        int32
		codeName    string
		unavailable bool
		canceled    bool
	}{
		{name: "syntax", err: fmt.Errorf("wrapped: %w", &ch.Exception{Code: 62, Name: "DB::Exception", Message: "Syntax error (SYNTAX_ERROR)"}), code: 62, codeName: "SYNTAX_ERROR"},
		{name: "http exception", err: &ch.HTTPError{StatusCode: 404, Err: &ch.Exception{Code: 60, CodeName: "UNKNOWN_TABLE", Message: "x"}}, code: 60, codeName: "UNKNOWN_TABLE"},
		{name: "too many parts", err: &ch.Exception{Code: 252, Message: "Too many parts"}, code: 252, unavailable: true},
		{name: "dial", err: refused, unavailable: true},
		{name: "refused", err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED), unavailable: true},
		{name: "acquire", err: ch.ErrAcquireConnTimeout, unavailable: true},
		{name: "proxy 503", err: &ch.HTTPError{StatusCode: 503, Err: errors.New("response body: \"no upstream\"")}, unavailable: true},
		{name: "bad request", err: &ch.HTTPError{StatusCode: 400, Err: errors.New("response body: \"?\"")}},
		{name: "canceled", err: fmt.Errorf("x: %w", context.Canceled), canceled: true},
		{name: "plain", err: errors.New("clickhouse [Append]: converting int to UUID is unsupported")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := mapError(c.err)
			var se *store.ServerError
			if c.code != 0 {
				if !errors.As(err, &se) || se.Code != c.code || se.Name != c.codeName {
					t.Fatalf("mapError = %#v, want ServerError %d %s", err, c.code, c.codeName)
				}
			} else if errors.As(err, &se) {
				t.Fatalf("mapError = %v, want no ServerError", err)
			}
			if got := store.IsTransient(err); got != c.unavailable {
				t.Fatalf("IsTransient(%v) = %v, want %v", err, got, c.unavailable)
			}
			if got := errors.Is(err, context.Canceled); got != c.canceled {
				t.Fatalf("errors.Is(%v, Canceled) = %v, want %v", err, got, c.canceled)
			}
		})
	}
	if mapError(nil) != nil {
		t.Fatal("mapError(nil) != nil")
	}
}

func TestOptionsProtocol(t *testing.T) {
	for _, p := range []string{"", "native", "NATIVE", "http"} {
		if _, err := (Options{Protocol: p}).driverOptions(); err != nil {
			t.Errorf("protocol %q: %v", p, err)
		}
	}
	if _, err := (Options{Protocol: "grpc"}).driverOptions(); err == nil {
		t.Error("protocol grpc: want error")
	}
	o, _ := Options{MaxOpenConns: 2}.driverOptions()
	if o.MaxIdleConns != 2 || o.MaxOpenConns != 2 || o.Settings["async_insert"] != 0 {
		t.Errorf("driver options = open %d idle %d settings %v", o.MaxOpenConns, o.MaxIdleConns, o.Settings)
	}
}
