package query

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

func sha(b string) string { s := sha256.Sum256([]byte(b)); return hex.EncodeToString(s[:]) }

type part struct {
	header map[string]string
	body   string
}

// parts parses a multipart/mixed response.
func parts(t *testing.T, w interface {
	Header() http.Header
}, body string) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(w.Header().Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q: %v", w.Header().Get("Content-Type"), err)
	}
	mr := multipart.NewReader(strings.NewReader(body), params["boundary"])
	var out []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		h := map[string]string{}
		for k := range p.Header {
			h[k] = p.Header.Get(k)
		}
		out = append(out, part{h, string(b)})
	}
}

// Communication 2.1.3 attachments=true and 1.5.2: multipart/mixed, the
// result first as application/json, then one part per distinct attachment
// with Content-Type, Content-Transfer-Encoding: binary and
// X-Experience-API-Hash; fileUrl-only attachments have no part.
func TestComm2_1_3_AttachmentsMultipart(t *testing.T) {
	e := newEnv(t, at(3600))
	pdf, txt, sub := "%PDF-1.4 \x00\x01\xff binary", "hello\r\n--not a boundary", "sub bytes"
	att := func(h, ct string) string {
		return fmt.Sprintf(`{"usageType":"http://u","display":{"en":"a"},"contentType":"%s","length":1,"sha2":"%s"}`, ct, h)
	}
	body := func(n int, atts string) string {
		return fmt.Sprintf(`{"id":"%s","verb":{"id":"%s"},"stored":"%s","attachments":[%s]}`, sid(n), vDone,
			at(n).Format(time.RFC3339Nano), atts)
	}
	s1 := fx{id: sid(1), stored: at(1), verb: vDone, objID: x1, body: body(1, att(sha(pdf), "application/pdf")+","+att(sha(txt), "text/plain"))}
	s2 := fx{id: sid(2), stored: at(2), verb: vDone, objID: x1, body: body(2, att(sha(pdf), "application/pdf")+
		`,{"usageType":"http://u","display":{"en":"u"},"contentType":"text/plain","length":1,"sha2":"`+sha("remote")+`","fileUrl":"http://x/f"}`)}
	s3 := fx{id: sid(3), stored: at(3), verb: vDone, objType: "SubStatement", body: fmt.Sprintf(
		`{"id":"%s","verb":{"id":"%s"},"object":{"objectType":"SubStatement","attachments":[%s]},"stored":"%s"}`,
		sid(3), vDone, att(strings.ToUpper(sha(sub)), "text/plain"), at(3).Format(time.RFC3339Nano))}
	e.insert(s1, s2, s3)
	ctx := context.Background()
	if err := store.InsertAttachments(ctx, engine, e.db, "acme", at(1), []store.Attachment{
		{SHA2: sha(pdf), ContentType: "application/pdf", Content: []byte(pdf)},
		{SHA2: sha(txt), ContentType: "text/plain", Content: []byte(txt)},
		{SHA2: sha(sub), ContentType: "text/plain", Content: []byte(sub)},
	}); err != nil {
		t.Fatal(err)
	}
	if err := store.InsertAttachments(ctx, engine, e.db, "other", at(1), []store.Attachment{
		{SHA2: sha("remote"), ContentType: "text/plain", Content: []byte("other tenant's")},
	}); err != nil {
		t.Fatal(err)
	}

	w := e.get(q("attachments", "true", "ascending", "true"))
	ps := parts(t, w, w.Body.String())
	if len(ps) != 4 {
		t.Fatalf("%d parts, want result + 3 distinct attachments: %q", len(ps), w.Body)
	}
	if ps[0].header["Content-Type"] != "application/json" ||
		ps[0].body != `{"statements":[`+s1.raw()+`,`+s2.raw()+`,`+s3.raw()+`],"more":""}` {
		t.Errorf("first part %v %s", ps[0].header, ps[0].body)
	}
	for i, want := range []struct{ hash, ct, body string }{
		{sha(pdf), "application/pdf", pdf}, {sha(txt), "text/plain", txt}, {strings.ToUpper(sha(sub)), "text/plain", sub},
	} {
		p := ps[i+1]
		if p.header["Content-Type"] != want.ct || p.header["Content-Transfer-Encoding"] != "binary" ||
			p.header["X-Experience-Api-Hash"] != want.hash || p.body != want.body {
			t.Errorf("part %d: %v %q, want %s %s %q", i+1, p.header, p.body, want.ct, want.hash, want.body)
		}
	}
	if w.Header().Get("Last-Modified") != at(3).Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q", w.Header().Get("Last-Modified"))
	}
	h := e.do(http.MethodHead, q("attachments", "true", "ascending", "true"), "acme")
	if h.Body.Len() != 0 || h.Header().Get("Content-Type") != w.Header().Get("Content-Type") ||
		h.Header().Get("Content-Length") != w.Header().Get("Content-Length") {
		t.Errorf("HEAD: %v, GET %v", h.Header(), w.Header())
	}

	// Single statement: its own attachments only; with format=ids the first
	// part is the reduced statement.
	w = e.get(q("statementId", sid(2).String(), "attachments", "true", "format", "ids"))
	ps = parts(t, w, w.Body.String())
	if len(ps) != 2 || ps[1].body != pdf || !strings.Contains(ps[0].body, `"verb":{"id":"`+vDone+`"}`) {
		t.Errorf("single: %q", w.Body)
	}
	// No attachments at all: still multipart, the result alone.
	w = e.get(q("verb", "http://nothing", "attachments", "true"))
	if ps = parts(t, w, w.Body.String()); len(ps) != 1 || ps[0].body != `{"statements":[],"more":""}` {
		t.Errorf("empty: %q", w.Body)
	}
	// attachments=false: application/json, no attachment data.
	w = e.get(q("attachments", "false"))
	if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" || strings.Contains(w.Body.String(), "PDF") {
		t.Errorf("attachments=false: %s %q", ct, w.Body)
	}
}
