package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tributary-lrs/tributary/platform/auth"
	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/store/chdb/chdbtest"
)

var engine *chdb.Engine

func TestMain(m *testing.M) { chdbtest.Main(m, func(e *chdb.Engine) { engine = e }) }

func newStore(t *testing.T) *auth.Store {
	t.Helper()
	db := chdbtest.Database(t, engine)
	return &auth.Store{Engine: engine, Database: db, Hash: auth.HashParams{Time: 1, Memory: 64, Threads: 1}}
}

type client struct {
	t           *testing.T
	h           http.Handler
	key, secret string
}

func (c client) do(method, path, body string) (int, map[string]any, string) {
	c.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if c.key != "" {
		r.SetBasicAuth(c.key, c.secret)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m, rec.Body.String()
}

func TestAdminAPI(t *testing.T) {
	st := newStore(t)
	var invalidated []string
	h := Handler(Options{Store: st, Key: "admin", Secret: "admin-secret", Invalidate: func(k string) { invalidated = append(invalidated, k) }})
	adm := client{t, h, "admin", "admin-secret"}

	if code, _, _ := adm.do("POST", "/admin/tenants", `{"name":"acme"}`); code != 201 {
		t.Fatalf("create tenant: %d", code)
	}
	if code, _, _ := adm.do("POST", "/admin/tenants", `{"name":"acme"}`); code != 409 {
		t.Fatalf("duplicate tenant: %d", code)
	}
	if code, _, _ := adm.do("POST", "/admin/tenants", `{"name":"a b"}`); code != 400 {
		t.Fatalf("bad tenant: %d", code)
	}
	if code, _, _ := adm.do("POST", "/admin/tenants", `{"nom":"x"}`); code != 400 {
		t.Fatalf("unknown field: %d", code)
	}
	code, m, _ := adm.do("GET", "/admin/tenants", "")
	if ts, _ := m["tenants"].([]any); code != 200 || len(ts) != 1 {
		t.Fatalf("list tenants: %d %v", code, m)
	}
	for body, want := range map[string]int{
		`{"tenant":"nope","scopes":["all"]}`:   400,
		`{"tenant":"acme","scopes":["root"]}`:  400,
		`{"tenant":"acme","scopes":[]}`:        400,
		`{"tenant":"acme","scopes":"all,bad"}`: 400,
	} {
		if code, _, _ := adm.do("POST", "/admin/credentials", body); code != want {
			t.Errorf("%s: %d, want %d", body, code, want)
		}
	}
	code, created, _ := adm.do("POST", "/admin/credentials", `{"tenant":"acme","scopes":"statements/write,state","name":"lms"}`)
	secret, _ := created["secret"].(string)
	key, _ := created["key"].(string)
	if code != 201 || len(secret) != 43 || key == "" || created["tenant"] != "acme" {
		t.Fatalf("create credential: %d %v", code, created)
	}
	if _, ok := created["SecretHash"]; ok || strings.Contains(fmt.Sprint(created), "argon2") {
		t.Fatalf("create leaks the hash: %v", created)
	}

	// The new credential works for xAPI but is not an admin credential.
	a := auth.NewAuthenticator(nil, st, "http://lrs", auth.DefaultOptions())
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth(key, secret)
	if p, err := a.Authenticate(r); err != nil || p.Tenant != "acme" {
		t.Fatalf("new credential: %v %v", p, err)
	}
	for _, c := range []client{{t, h, key, secret}, {t, h, "admin", "wrong"}, {t, h, "", ""}} {
		code, _, _ := c.do("GET", "/admin/credentials", "")
		if code != 401 {
			t.Errorf("%q: got %d, want 401", c.key, code)
		}
	}
	disabled := client{t, Handler(Options{Store: st}), "admin", "admin-secret"}
	if code, _, _ := disabled.do("GET", "/admin/tenants", ""); code != 403 {
		t.Errorf("disabled admin API: %d, want 403", code)
	}

	code, _, body := adm.do("GET", "/admin/credentials?tenant=acme", "")
	if code != 200 || !strings.Contains(body, key) || strings.Contains(body, secret) || strings.Contains(body, "argon2") {
		t.Fatalf("list credentials: %d %s", code, body)
	}
	if code, _, body := adm.do("GET", "/admin/credentials?tenant=other", ""); code != 200 || strings.Contains(body, key) {
		t.Fatalf("list other tenant: %d %s", code, body)
	}
	if code, _, _ := adm.do("POST", "/admin/credentials/nope/revoke", ""); code != 404 {
		t.Fatalf("revoke unknown: %d", code)
	}
	code, rev, _ := adm.do("POST", "/admin/credentials/"+key+"/revoke", "")
	if code != 200 || rev["revoked"] == nil || len(invalidated) != 1 || invalidated[0] != key {
		t.Fatalf("revoke: %d %v %v", code, rev, invalidated)
	}
	if _, err := auth.NewAuthenticator(nil, st, "x", auth.DefaultOptions()).Authenticate(r); err == nil {
		t.Fatal("revoked credential still authenticates")
	}
	if code, _, _ := adm.do("GET", "/admin/nothing", ""); code != 404 {
		t.Fatalf("unknown path: %d", code)
	}
}

func run(t *testing.T, f func([]string, *bytes.Buffer, *bytes.Buffer) int, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := f(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	st := newStore(t)
	creds := func(a []string, o, e *bytes.Buffer) int { return Credentials(a, o, e, st) }
	tenants := func(a []string, o, e *bytes.Buffer) int { return Tenants(a, o, e, st) }

	if code, _, _ := run(t, tenants, "create", "acme"); code != 0 {
		t.Fatalf("tenants create: %d", code)
	}
	if code, _, _ := run(t, tenants, "create", "--name", "beta"); code != 0 {
		t.Fatalf("tenants create --name: %d", code)
	}
	if code, _, e := run(t, tenants, "create", "acme"); code != 1 || !strings.Contains(e, "exists") {
		t.Fatalf("duplicate: %d %s", code, e)
	}
	if code, out, _ := run(t, tenants, "list"); code != 0 || !strings.Contains(out, "acme") || !strings.Contains(out, "beta") {
		t.Fatalf("tenants list: %d %s", code, out)
	}
	for _, args := range [][]string{{}, {"frob"}, {"create"}, {"create", "--tenant", "acme"}, {"create", "--tenant", "acme", "--scopes", "root"}, {"revoke"}} {
		if code, _, _ := run(t, creds, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	code, out, _ := run(t, creds, "create", "--tenant", "acme", "--scopes", "statements/read/mine,statements/write", "--name", "lms", "--json")
	var c struct {
		Key, Secret string
		Scopes      []string
	}
	if err := json.Unmarshal([]byte(out), &c); code != 0 || err != nil || len(c.Secret) != 43 || len(c.Scopes) != 2 {
		t.Fatalf("credentials create: %d %s %v", code, out, err)
	}
	if code, out, _ := run(t, creds, "create", "--tenant", "beta", "--scopes", "all"); code != 0 || !strings.Contains(out, "secret: ") {
		t.Fatalf("credentials create (text): %d %s", code, out)
	}
	code, out, _ = run(t, creds, "list", "--tenant", "acme")
	if code != 0 || !strings.Contains(out, c.Key) || strings.Contains(out, c.Secret) || strings.Count(out, "\n") != 2 {
		t.Fatalf("credentials list: %d %s", code, out)
	}
	code, out, _ = run(t, creds, "list", "--json")
	if code != 0 || strings.Contains(out, c.Secret) || strings.Contains(out, "argon2") || strings.Count(out, `"key"`) != 2 {
		t.Fatalf("credentials list --json: %d %s", code, out)
	}
	if code, out, _ := run(t, creds, "revoke", c.Key); code != 0 || !strings.Contains(out, "revoked "+c.Key) {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if code, _, _ := run(t, creds, "revoke", "nope"); code != 1 {
		t.Fatalf("revoke unknown: %d", code)
	}
	if _, out, _ := run(t, creds, "list", "--tenant", "acme"); strings.Contains(out, " -\n") {
		t.Fatalf("revoked credential listed as active: %s", out)
	}
}

// TestIssue19_AdminSignInsLimited: issue 7 item 19, failed logins were never
// rate-limited; the admin credential's are limited like the others (429
// with Retry-After past the burst, unchecked, even with the right secret),
// and successful sign-ins do not count.
func TestIssue19_AdminSignInsLimited(t *testing.T) {
	st := newStore(t)
	o := auth.DefaultOptions()
	o.PerKey = auth.FailureLimit{Rate: 0.1, Burst: 3}
	a := auth.NewAuthenticator(nil, st, "http://lrs", o)
	h := Handler(Options{Store: st, Key: "admin", Secret: "admin-secret", SignIns: a})
	good, bad := client{t, h, "admin", "admin-secret"}, client{t, h, "admin", "wrong-secret"}
	for range 5 {
		if code, _, body := good.do("GET", "/admin/tenants", ""); code != 200 {
			t.Fatalf("admin: %d %s", code, body)
		}
	}
	codes := []int{}
	for range 4 {
		code, _, _ := bad.do("GET", "/admin/tenants", "")
		codes = append(codes, code)
	}
	if fmt.Sprint(codes) != "[401 401 401 429]" {
		t.Fatalf("wrong secrets: %v, want [401 401 401 429]", codes)
	}
	if code, _, _ := good.do("GET", "/admin/tenants", ""); code != 429 {
		t.Fatalf("right secret while limited: %d, want 429", code)
	}
}

// TestCLI_UsageHelpAndOperands: help prints the usage on stdout (exit 0); a
// missing, unknown or misused command prints it on stderr (exit 2); an
// operand is given once, as a flag or as the only argument; an invalid
// tenant name is a usage error, not a failure.
func TestCLI_UsageHelpAndOperands(t *testing.T) {
	st := newStore(t)
	creds := func(a []string, o, e *bytes.Buffer) int { return Credentials(a, o, e, st) }
	tenants := func(a []string, o, e *bytes.Buffer) int { return Tenants(a, o, e, st) }
	for _, c := range []struct {
		name   string
		f      func([]string, *bytes.Buffer, *bytes.Buffer) int
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"credentials help", creds, []string{"help"}, 0, "usage: tributary credentials", ""},
		{"tenants --help", tenants, []string{"--help"}, 0, "usage: tributary tenants", ""},
		{"tenants nothing", tenants, nil, 2, "", "usage: tributary tenants"},
		{"tenants unknown", tenants, []string{"drop"}, 2, "", "tributary tenants: unknown command \"drop\"\n\nusage:"},
		{"tenants create two names", tenants, []string{"create", "a", "b"}, 2, "", "tributary tenants create: give exactly one NAME\n\nusage:"},
		{"tenants create flag and name", tenants, []string{"create", "--name", "a", "b"}, 2, "", "give exactly one NAME"},
		{"tenants create invalid", tenants, []string{"create", "no spaces allowed"}, 2, "", "tributary tenants create: "},
		{"revoke flag and key", creds, []string{"revoke", "--key", "k1", "k2"}, 2, "", "tributary credentials revoke: give exactly one KEY\n\nusage:"},
		{"revoke unknown by flag", creds, []string{"revoke", "--key", "nope"}, 1, "", "tributary credentials revoke: "},
		{"create bad scope", creds, []string{"create", "--tenant", "t", "--scopes", "root"}, 2, "", "tributary credentials create: "},
		{"create without scopes", creds, []string{"create", "--tenant", "t"}, 2, "", "tributary credentials create: --tenant and --scopes are required\n\nusage:"},
		{"bad flag", creds, []string{"list", "--frob"}, 2, "", "flag provided but not defined"},
	} {
		code, out, errOut := run(t, c.f, c.args...)
		if code != c.code || !strings.HasPrefix(out, c.stdout) || !strings.Contains(errOut, c.stderr) ||
			(c.stdout == "" && out != "") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout %q…, stderr containing %q",
				c.name, code, out, errOut, c.code, c.stdout, c.stderr)
		}
	}
}
