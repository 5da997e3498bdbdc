package loadgen

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// client is the HTTP client of a run. It is fasthttp's: a request costs the
// client a fraction of net/http's CPU (the load generator shares the
// server's cores), with one keep-alive connection per concurrent caller.
type client struct {
	fc      *fasthttp.Client
	base    string // e.g. http://127.0.0.1:8080/xapi
	origin  string // e.g. http://127.0.0.1:8080
	auth    string
	version string
}

func newClient(opt Options, conns int) (*client, error) {
	u, err := url.Parse(opt.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want e.g. http://127.0.0.1:8080/xapi", opt.BaseURL)
	}
	return &client{
		fc: &fasthttp.Client{MaxConnsPerHost: conns, MaxConnWaitTimeout: time.Minute, MaxIdleConnDuration: time.Minute,
			ReadTimeout: 2 * time.Minute, WriteTimeout: time.Minute, NoDefaultUserAgentHeader: true},
		base:    strings.TrimSuffix(opt.BaseURL, "/"),
		origin:  u.Scheme + "://" + u.Host,
		auth:    "Basic " + base64.StdEncoding.EncodeToString([]byte(opt.Key+":"+opt.Secret)),
		version: opt.Version,
	}, nil
}

// answer is what a request got back.
type answer struct {
	status            int    // StatusConnection when there was no answer
	consistentThrough string // X-Experience-API-Consistent-Through
	body              []byte // only when asked for
}

// do sends a request to the xAPI path uri (e.g. "/statements?limit=1", or an
// absolute path such as a more link) and reads the whole answer, keeping the
// body only when keep is set. body is sent as is, not copied: it must not
// change until do returns. err is set only when there was no answer.
func (c *client) do(ctx context.Context, method, uri string, body []byte, keep bool) (answer, error) {
	if err := ctx.Err(); err != nil {
		return answer{status: StatusConnection}, err
	}
	target := c.base + uri
	if strings.HasPrefix(uri, "/") && !strings.HasPrefix(uri, "/statements") {
		target = c.origin + uri // a more link is absolute
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(target)
	req.Header.SetMethod(method)
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("X-Experience-API-Version", c.version)
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(body)
	}
	if err := c.fc.Do(req, resp); err != nil {
		return answer{status: StatusConnection}, fmt.Errorf("%s %s: %w", method, uri, err)
	}
	a := answer{status: resp.StatusCode(),
		consistentThrough: string(resp.Header.Peek(xapihttp.HeaderConsistentThrough))}
	if keep {
		a.body = append([]byte(nil), resp.Body()...)
	}
	return a, nil
}

// agentParam is the agent query parameter of an mbox.
func agentParam(mbox string) string { return `{"mbox":"` + mbox + `"}` }

// query builds "/statements?k=v&..." from key, value pairs.
func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	if len(v) == 0 {
		return "/statements"
	}
	return "/statements?" + v.Encode()
}

// xapiTime formats t as the LRS formats stored times.
func xapiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
