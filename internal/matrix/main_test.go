// Package matrix tests credentials, scopes and tenants end to end against the
// all-in-one LRS (issue 4): every scope on every endpoint (Communication 4.2
// scope table) and cross-tenant access attempts on every endpoint.
package matrix

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributary-lrs/tributary/internal/allinone"
	"github.com/tributary-lrs/tributary/platform/auth"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/platform/svc"
)

// scopes are every scope a credential may hold; each tenant gets one
// credential per scope.
var scopes = []string{
	"statements/write", "statements/read", "statements/read/mine", "all/read", "all",
	"state", "profile", "define", "attachments",
}

// versions are the xAPI versions every request is made under.
var versions = []string{"1.0.3", "2.0.0"}

type cred struct {
	tenant, scope, key, secret string
}

// lrs is the one all-in-one LRS of the package (chDB is one per process).
var (
	srv              *httptest.Server
	homePage         string
	tenantA, tenantB string
	creds            = map[string]map[string]cred{} // tenant → scope → credential
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "tributary-matrix-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	id := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	cfg := config.Default()
	cfg.Data.Dir = dir
	cfg.ClickHouse.Database = "matrix_" + id
	cfg.Auth.Bootstrap.Key, cfg.Auth.Bootstrap.Secret = "bootstrap", "bootstrap-secret-"+id
	cfg.Auth.RateLimit = 0
	// The suite sends wrong credentials on purpose, every request from one
	// address: failed sign-in limits off, as for a conformance run.
	cfg.Auth.FailedLogins.KeyRate, cfg.Auth.FailedLogins.AddressRate = 0, 0
	cfg.HTTP.CORS.AllowedOrigins = []string{contentOrigin}
	homePage = "http://" + cfg.HTTP.Addr
	log := slog.New(slog.DiscardHandler)
	lc := svc.NewLifecycle(log, cfg.Shutdown)
	ctx, cancel := context.WithCancel(context.Background())
	h, err := allinone.Setup(ctx, svc.Env{Role: config.RoleAll, Config: cfg, Log: log, Admin: http.NewServeMux(),
		Registry: prometheus.NewRegistry(), Lifecycle: lc, Stdout: io.Discard})
	if err != nil {
		fmt.Fprintln(os.Stderr, "allinone.Setup:", err)
		cancel()
		return 1
	}
	stopped := make(chan error, 1)
	go func() { stopped <- lc.Run(ctx) }()
	defer func() {
		cancel()
		<-stopped
	}()
	srv = httptest.NewServer(h)
	defer srv.Close()

	// A second Engine on the same path shares the Setup's chDB session.
	eng, err := chdb.Open(filepath.Join(dir, "chdb"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdb.Open:", err)
		return 1
	}
	defer eng.Close() // runs before the lifecycle stops (and closes) the Setup's engine
	st := auth.NewStore(eng, cfg.ClickHouse.Database)
	st.Hash = auth.HashParams{Time: 1, Memory: 64, Threads: 1} // fast hashes: verification reads them from the hash
	tenantA, tenantB = "tenant-a-"+id, "tenant-b-"+id
	for _, tn := range []string{tenantA, tenantB} {
		if _, err := st.CreateTenant(ctx, tn); err != nil {
			fmt.Fprintln(os.Stderr, "CreateTenant:", err)
			return 1
		}
		creds[tn] = map[string]cred{}
		for _, sc := range scopes {
			c, secret, err := st.CreateCredential(ctx, auth.NewCredential{Tenant: tn, Scopes: []string{sc}, Name: sc})
			if err != nil {
				fmt.Fprintln(os.Stderr, "CreateCredential:", err)
				return 1
			}
			creds[tn][sc] = cred{tenant: tn, scope: sc, key: c.Key, secret: secret}
		}
		// Combinations: a source that writes and reads only its own
		// statements, and writers with and without define.
		for _, combo := range [][]string{{"statements/write", "statements/read/mine"}, {"statements/write", "define"}} {
			c, secret, err := st.CreateCredential(ctx, auth.NewCredential{Tenant: tn, Scopes: combo})
			if err != nil {
				fmt.Fprintln(os.Stderr, "CreateCredential:", err)
				return 1
			}
			name := strings.Join(combo, "+")
			creds[tn][name] = cred{tenant: tn, scope: name, key: c.Key, secret: secret}
		}
	}
	return m.Run()
}

// request is one HTTP call.
type request struct {
	method, path string
	query        url.Values
	body         []byte
	contentType  string
	header       http.Header
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

// authMode says how a request authenticates.
type authMode int

const (
	withCred authMode = iota
	noAuth
	wrongSecret
	unknownKey
)

func do(t testing.TB, version string, c cred, mode authMode, rq request) response {
	t.Helper()
	u := srv.URL + rq.path
	if len(rq.query) > 0 {
		u += "?" + rq.query.Encode()
	}
	req, err := http.NewRequest(rq.method, u, bytes.NewReader(rq.body))
	if err != nil {
		t.Fatal(err)
	}
	if version != "" {
		req.Header.Set("X-Experience-API-Version", version)
	}
	if rq.contentType != "" {
		req.Header.Set("Content-Type", rq.contentType)
	}
	for k, v := range rq.header {
		req.Header[k] = v
	}
	switch mode {
	case withCred:
		req.SetBasicAuth(c.key, c.secret)
	case wrongSecret:
		req.SetBasicAuth(c.key, c.secret+"x")
	case unknownKey:
		req.SetBasicAuth("no-such-key-"+uuid.NewString()[:8], c.secret)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{code: resp.StatusCode, header: resp.Header, body: b}
}

// settle waits until every statement written before the call is visible:
// the X-Experience-API-Consistent-Through of a statements request reaches
// the time settle was called (Communication 2.1.3), as a client of an
// eventually consistent LRS waits before it lists what it wrote. c needs a
// statements read scope.
func settle(t testing.TB, c cred) {
	t.Helper()
	since := time.Now()
	deadline := since.Add(15 * time.Second)
	for {
		r := do(t, "1.0.3", c, withCred, request{method: http.MethodHead, path: "/xapi/statements",
			query: url.Values{"limit": {"1"}}})
		ct, err := time.Parse(time.RFC3339Nano, r.header.Get("X-Experience-API-Consistent-Through"))
		if err == nil && !ct.Before(since.Truncate(time.Millisecond)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Consistent-Through %q never reached %s (status %d)", r.header.Get("X-Experience-API-Consistent-Through"), since, r.code)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ---- fixtures -------------------------------------------------------------

func agentJSON(mbox string) string { return fmt.Sprintf(`{"objectType":"Agent","mbox":%q}`, mbox) }

func statementJSON(id, mbox, name, verb, activity string, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"id":%q,"actor":{"objectType":"Agent","mbox":%q,"name":%q},"verb":{"id":%q},"object":{"objectType":"Activity","id":%q}%s}`,
		id, mbox, name, verb, activity, extra)
}

func putStatement(id, body string) request {
	return request{method: http.MethodPut, path: "/xapi/statements", query: url.Values{"statementId": {id}},
		body: []byte(body), contentType: "application/json"}
}

func postStatements(body string) request {
	return request{method: http.MethodPost, path: "/xapi/statements", body: []byte(body), contentType: "application/json"}
}

// multipartStatement is a POST of one statement with one attachment part
// (Communication 1.5.2).
func multipartStatement(id, mbox, verb, activity string, data []byte) (request, string) {
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	att := fmt.Sprintf(`"attachments":[{"usageType":"http://example.com/usage","display":{"en-US":"file"},"contentType":"text/plain","length":%d,"sha2":%q}]`, len(data), sha)
	st := statementJSON(id, mbox, "Att", verb, activity, att)
	const boundary = "matrixboundary"
	var b bytes.Buffer
	fmt.Fprintf(&b, "--%s\r\nContent-Type: application/json\r\n\r\n%s\r\n", boundary, st)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: %s\r\n\r\n%s\r\n--%s--\r\n",
		boundary, sha, data, boundary)
	return request{method: http.MethodPost, path: "/xapi/statements", body: b.Bytes(),
		contentType: "multipart/mixed; boundary=" + boundary}, sha
}

func mustCode(t testing.TB, what string, r response, codes ...int) {
	t.Helper()
	for _, c := range codes {
		if r.code == c {
			return
		}
	}
	t.Fatalf("%s: status %d, want %v; body %s", what, r.code, codes, trim(r.body))
}

func trim(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

// statementResult decodes a StatementResult.
type statementResult struct {
	Statements []map[string]any `json:"statements"`
	More       string           `json:"more"`
}

func decodeResult(t testing.TB, r response) statementResult {
	t.Helper()
	var sr statementResult
	if err := json.Unmarshal(jsonPart(t, r), &sr); err != nil {
		t.Fatalf("decode StatementResult: %v: %s", err, trim(r.body))
	}
	return sr
}

// jsonPart is the body, or its first part when it is multipart/mixed
// (attachments=true).
func jsonPart(t testing.TB, r response) []byte {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return r.body
	}
	p, err := multipart.NewReader(bytes.NewReader(r.body), params["boundary"]).NextPart()
	if err != nil {
		t.Fatalf("multipart response: %v", err)
	}
	b, err := io.ReadAll(p)
	if err != nil {
		t.Fatalf("multipart response: %v", err)
	}
	return b
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
