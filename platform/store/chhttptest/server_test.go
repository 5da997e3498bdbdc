package chhttptest

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
)

func newServer(t *testing.T) *Server {
	t.Helper()
	e, err := chdb.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	s, err := New(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func do(t *testing.T, method, u, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestServer(t *testing.T) {
	s := newServer(t)
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if res, body := do(t, m, s.URL()+"/ping", ""); res.StatusCode != 200 || body != "Ok.\n" {
			t.Errorf("%s /ping = %d %q", m, res.StatusCode, body)
		}
	}
	cases := []struct {
		name, query, body string
		status            int
		want              string
	}{
		{"body", "", "SELECT 1 + 1", 200, "2\n"},
		{"url", "SELECT 'u'", "", 200, "u\n"},
		{"url+body", "SELECT 'a',", "'b'", 200, "a\tb\n"},
		{"syntax error", "", "SELEC 1", 500, "Code: 62. DB::Exception: "},
		{"empty", "", "", 500, "Code: 62."},
	}
	for _, c := range cases {
		u := s.URL() + "/?query=" + url.QueryEscape(c.query)
		res, body := do(t, http.MethodPost, u, c.body)
		if res.StatusCode != c.status || !strings.HasPrefix(body, c.want) {
			t.Errorf("%s: %d %q, want %d %q…", c.name, res.StatusCode, body, c.status, c.want)
		}
		if c.status == 500 && res.Header.Get("X-ClickHouse-Exception-Code") != "62" {
			t.Errorf("%s: X-ClickHouse-Exception-Code = %q, want 62", c.name, res.Header.Get("X-ClickHouse-Exception-Code"))
		}
	}
}

func TestInsertFormatBody(t *testing.T) {
	s := newServer(t)
	for _, q := range []string{"CREATE DATABASE ins", "CREATE TABLE ins.t (a String, b UInt8) ENGINE = Memory"} {
		if res, body := do(t, http.MethodPost, s.URL(), q); res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", q, res.StatusCode, body)
		}
	}
	data := "x\\0y\t1\nline2\t2\n" // TSV escapes; the NUL travels escaped
	u := s.URL() + "/?async_insert=0&query=" + url.QueryEscape("INSERT INTO ins.t (a, b) SETTINGS max_threads = 1 FORMAT TabSeparated")
	if res, body := do(t, http.MethodPost, u, data); res.StatusCode != 200 {
		t.Fatalf("insert: %d %s", res.StatusCode, body)
	}
	res, body := do(t, http.MethodPost, s.URL(), "SELECT a, b FROM ins.t ORDER BY b FORMAT TabSeparated")
	if res.StatusCode != 200 || body != data {
		t.Fatalf("select = %d %q, want %q", res.StatusCode, body, data)
	}
	reqs := s.Requests()
	var found bool
	for _, r := range reqs {
		if strings.HasPrefix(r.SQL, "INSERT") {
			found = r.Settings["async_insert"] == "0"
		}
	}
	if !found {
		t.Errorf("insert settings not recorded: %+v", reqs)
	}
	left, _ := os.ReadDir(os.TempDir())
	for _, f := range left {
		if strings.HasPrefix(f.Name(), "chhttptest-insert-") {
			t.Errorf("temp file left behind: %s", f.Name())
		}
	}
}
