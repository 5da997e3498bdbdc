package documents

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// writeTimeout bounds a decided write. The insert is not cancelled with the
// request: once the preconditions passed, the write completes or fails on
// its own, never half-way because the client went away.
const writeTimeout = 30 * time.Second

func (c *call) writeCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(c.ctx()), writeTimeout)
}

// precondition applies the concurrency rules of Communication 3.1 and the
// 2.0 differences (xAPI 2.0 §4.1.4; see the 2.0 notes §3.2) to a write of
// the document whose latest row is cur. It returns 0 when the write may go
// ahead, else the status and reason to answer.
func (c *call) precondition(cur *doc, put bool) (int, error) {
	im, inm := c.r.Header.Get("If-Match"), c.r.Header.Get("If-None-Match")
	if im != "" && (!cur.live() || !matches(im, cur.etag)) {
		return http.StatusPreconditionFailed, errors.New("If-Match does not match the current document's ETag; nothing was changed")
	}
	if inm != "" && cur.live() && matches(inm, cur.etag) {
		return http.StatusPreconditionFailed, errors.New("If-None-Match matches the current document; nothing was changed")
	}
	if !put || im != "" || inm != "" {
		return 0, nil
	}
	v2 := xapihttp.VersionFrom(c.ctx()) == xapi.V200
	switch {
	case cur.live() && (!c.k.state || v2):
		// Profiles always; State under 2.0 (1.0.3 lets State writes go without the headers).
		return http.StatusConflict, errors.New("the document exists: send If-Match with its ETag to replace it " +
			"(or If-None-Match: * to create it only when absent); nothing was changed")
	case !cur.live() && !c.k.state && !v2:
		// 1.0.3: a client MUST send If-Match or If-None-Match on a profile
		// PUT; the 1.0.3 test suite expects 400 (XAPI-00273). 2.0 accepts it.
		return http.StatusBadRequest, errors.New("a profile PUT needs If-Match or If-None-Match (xAPI 1.0.3 Communication 3.1)")
	}
	return 0, nil
}

// matches reports whether an If-Match / If-None-Match value ("*" or a list
// of entity tags) matches etag. A W/ prefix is tolerated.
func matches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == quote(etag) {
			return true
		}
	}
	return false
}

func (c *call) readBody() ([]byte, bool) {
	return xapihttp.ReadBody(c.w, c.r, c.s.d.MaxBytes)
}

// put stores the body as the document, byte-exact with its Content-Type.
func (c *call) put() {
	body, ok := c.readBody()
	if !ok {
		return
	}
	ct := c.r.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.write(false, func(*doc) ([]byte, string, error) { return body, ct, nil })
}

// post merges a JSON object into the stored one (Communication 2.2, JSON
// procedure), or stores it when the document is absent.
func (c *call) post() {
	body, ok := c.readBody()
	if !ok {
		return
	}
	ct := c.r.Header.Get("Content-Type")
	posted, err := jsonObject(ct, body)
	if err != nil {
		c.fail(http.StatusBadRequest, fmt.Errorf("POST to a document: the posted document %w", err))
		return
	}
	c.write(true, func(cur *doc) ([]byte, string, error) {
		if !cur.live() {
			return body, ct, nil
		}
		stored, err := jsonObject(cur.contentType, cur.content)
		if err != nil {
			return nil, "", fmt.Errorf("%w: POST to a document: the stored document %w", errBadRequest, err)
		}
		for k, v := range posted {
			stored[k] = v
		}
		merged, err := marshal(stored)
		return merged, cur.contentType, err
	})
}

// write serializes the read-check-write of one document: read the latest
// row, check the preconditions, compute the new content, insert it.
func (c *call) write(withContent bool, content func(cur *doc) ([]byte, string, error)) {
	key := c.key()
	defer c.s.locks.lock(c.k.lockKey(c.tenant, c.req))()
	cur, err := c.s.latest(c.ctx(), key, withContent)
	if err != nil {
		c.storeError(err)
		return
	}
	if status, err := c.precondition(cur, c.r.Method == http.MethodPut); status != 0 {
		c.fail(status, err)
		return
	}
	b, ct, err := content(cur)
	if err != nil {
		c.fail(http.StatusBadRequest, err)
		return
	}
	v, u := next(cur, c.s.now())
	tag := etag(b)
	ctx, cancel := c.writeCtx()
	defer cancel()
	if err := c.s.insert(ctx, row{key: key, version: v, content: b, contentType: ct, etag: tag, updated: u}); err != nil {
		c.storeError(err)
		return
	}
	c.w.Header().Set("ETag", quote(tag))
	c.w.WriteHeader(http.StatusNoContent)
}

// deleteOne deletes one document (204 also when it is absent, unless
// If-Match asks for a current one).
func (c *call) deleteOne() {
	key := c.key()
	defer c.s.locks.lock(c.k.lockKey(c.tenant, c.req))()
	cur, err := c.s.latest(c.ctx(), key, false)
	if err != nil {
		c.storeError(err)
		return
	}
	if status, err := c.precondition(cur, false); status != 0 {
		c.fail(status, err)
		return
	}
	if cur.live() {
		v, u := next(cur, c.s.now())
		ctx, cancel := c.writeCtx()
		defer cancel()
		if err := c.s.insert(ctx, row{key: key, version: v, deleted: true, updated: u}); err != nil {
			c.storeError(err)
			return
		}
	}
	c.w.WriteHeader(http.StatusNoContent)
}

// deleteAll deletes every State document of the activity and agent, of the
// registration when given, else of every registration (Communication 2.3,
// Multiple Document DELETE).
func (c *call) deleteAll() {
	defer c.s.locks.lock(c.k.lockKey(c.tenant, c.req))()
	scope, prefix := c.k.scopeKey(c.req), false
	if !c.req.hasReg {
		scope, prefix = statePrefix(c.req), true
	}
	docs, err := c.s.list(c.ctx(), c.tenant, c.k.resource, scope, prefix, nil)
	if err != nil {
		c.storeError(err)
		return
	}
	if len(docs) > 0 {
		now := c.s.now()
		rows := make([]row, len(docs))
		for i, d := range docs {
			v, u := next(&doc{version: d.version, updated: d.updated}, now)
			rows[i] = row{key: docKey{tenant: c.tenant, resource: c.k.resource, scope: d.scope, id: d.id},
				version: v, deleted: true, updated: u}
		}
		ctx, cancel := c.writeCtx()
		defer cancel()
		if err := c.s.insert(ctx, rows...); err != nil {
			c.storeError(err)
			return
		}
	}
	c.w.WriteHeader(http.StatusNoContent)
}

// jsonObject parses body as a JSON object, provided contentType is
// application/json.
func jsonObject(contentType string, body []byte) (map[string]json.RawMessage, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return nil, fmt.Errorf("must have Content-Type application/json, not %q", contentType)
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, errors.New("is not a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("is not a JSON object: %v", err)
	}
	return m, nil
}

// marshal serializes a merged object (keys sorted, no HTML escaping).
func marshal(m map[string]json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
