package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
)

type fakeAttachments struct {
	mu   sync.Mutex
	got  []store.Attachment
	pub  *fakePublisher
	fail error
	// published counts the statements already published when data arrived.
	published []int
}

func (a *fakeAttachments) InsertAttachments(_ context.Context, tenant string, _ time.Time, atts []store.Attachment) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		return a.fail
	}
	a.pub.mu.Lock()
	a.published = append(a.published, len(a.pub.got))
	a.pub.mu.Unlock()
	a.got = append(a.got, atts...)
	return nil
}

type fakeVoiding map[uuid.UUID]bool

func (v fakeVoiding) VoidingStatements(_ context.Context, _ string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	for _, id := range ids {
		if v[id] {
			out[id] = true
		}
	}
	return out, nil
}

func hexSHA(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

const boundary = "abcABC0123'()+_,-./:=?"

type part struct {
	headers map[string]string
	body    []byte
}

func attPart(data []byte) part {
	return part{map[string]string{"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary",
		"X-Experience-API-Hash": hexSHA(data)}, data}
}

// multipartBody builds a multipart/mixed body with CRLF line breaks (RFC 2046).
func multipartBody(statements string, parts ...part) string {
	var b bytes.Buffer
	b.WriteString("--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" + statements)
	for _, p := range parts {
		b.WriteString("\r\n--" + boundary + "\r\n")
		for k, v := range p.headers {
			b.WriteString(k + ": " + v + "\r\n")
		}
		b.WriteString("\r\n")
		b.Write(p.body)
	}
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.String()
}

const multipartType = `multipart/mixed; boundary="` + boundary + `"`

func attachmentJSON(data []byte, extra string) string {
	return fmt.Sprintf(`{"usageType":"http://example.com/usage","display":{"en-US":"A test attachment"},"contentType":"text/plain; charset=ascii","length":%d,"sha2":"%s"%s}`,
		len(data), hexSHA(data), extra)
}

func withAttachments(atts ...string) string {
	return `{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"http://example.com/a"},"attachments":[` +
		strings.Join(atts, ",") + `]}`
}

func TestMultipart_Communication_1_5_2_stores_bytes_exactly_before_publishing(t *testing.T) {
	f := newFixture(t)
	text := []byte("here is a simple attachment")
	bin := make([]byte, 512)
	for i := range bin {
		bin[i] = byte(i) // NUL, CR, LF, 0xff...: raw octets, no encoding
	}
	bin = append(bin, []byte("\r\n--not-the-boundary\r\n")...)
	body := multipartBody("["+withAttachments(attachmentJSON(text, ""))+","+withAttachments(attachmentJSON(bin, ""), attachmentJSON(text, ""))+"]",
		attPart(text), attPart(bin))
	resp, out := f.do(t, request{method: "POST", body: body, contentType: multipartType})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	if len(f.pub.got) != 2 {
		t.Fatalf("published %d statements", len(f.pub.got))
	}
	if len(f.atts.got) != 2 || !bytes.Equal(f.atts.got[0].Content, text) || !bytes.Equal(f.atts.got[1].Content, bin) ||
		f.atts.got[1].SHA2 != hexSHA(bin) || f.atts.got[0].ContentType != "text/plain" {
		t.Fatalf("stored attachments %+v", f.atts.got)
	}
	if f.atts.published[0] != 0 {
		t.Fatal("attachments stored after the statements were published")
	}
	// The statement keeps its attachment objects as sent.
	if !strings.Contains(string(f.pub.got[1].Statement), hexSHA(bin)) {
		t.Fatalf("statement lost its attachment objects: %s", f.pub.got[1].Statement)
	}
}

// Data 2.4.11 / Communication 1.5.2: parts are matched to attachment
// objects by sha2 only; a declared length that differs from the part's byte
// count (as clients send when they count the transfer encoding) is accepted
// and stored as declared, while the hash check stays strict.
func TestData2_4_11_AttachmentMatchedBySHA2NotLength(t *testing.T) {
	data := []byte("here is a simple attachment") // 27 bytes
	for _, declared := range []string{"0", "26", "28", "36", "123456789012345678901"} {
		t.Run("length "+declared, func(t *testing.T) {
			f := newFixture(t)
			att := strings.Replace(attachmentJSON(data, ""), `"length":27`, `"length":`+declared, 1)
			resp, out := f.do(t, request{method: "POST", body: multipartBody(withAttachments(att), attPart(data)), contentType: multipartType})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
			if len(f.atts.got) != 1 || !bytes.Equal(f.atts.got[0].Content, data) {
				t.Fatalf("stored attachments %+v", f.atts.got)
			}
			if len(f.pub.got) != 1 || !strings.Contains(string(f.pub.got[0].Statement), `"length":`+declared+`,`) {
				t.Fatalf("the declared length is not stored: %s", f.pub.got[0].Statement)
			}
		})
	}
	t.Run("hash still checked", func(t *testing.T) {
		f := newFixture(t)
		att := strings.Replace(attachmentJSON(data, ""), `"length":27`, `"length":28`, 1)
		tampered := attPart(append([]byte(nil), data...))
		tampered.body[0] = 'H'
		resp, out := f.do(t, request{method: "POST", body: multipartBody(withAttachments(att), tampered), contentType: multipartType})
		if resp.StatusCode != 400 || len(f.pub.got) != 0 || len(f.atts.got) != 0 {
			t.Fatalf("status %d (%s), %d published, %d stored", resp.StatusCode, out, len(f.pub.got), len(f.atts.got))
		}
	})
}

func TestMultipart_Communication_1_5_2_PUT(t *testing.T) {
	f := newFixture(t)
	data := []byte("put attachment")
	id := uuid.NewString()
	resp, out := f.do(t, request{method: "PUT", query: "?statementId=" + id,
		body: multipartBody(withAttachments(attachmentJSON(data, "")), attPart(data)), contentType: multipartType})
	if resp.StatusCode != 204 || len(f.atts.got) != 1 || len(f.pub.got) != 1 {
		t.Fatalf("status %d (%s), %d attachments, %d published", resp.StatusCode, out, len(f.atts.got), len(f.pub.got))
	}
}

func TestMultipart_Communication_1_5_2_accepted_without_data(t *testing.T) {
	// 2.0 (shall) / 1.0.3 (SHOULD*): multipart with no attachments, or only
	// fileUrl attachments, is accepted.
	for _, c := range []struct{ name, statements string }{
		{"no attachments", statement},
		{"fileUrl only", withAttachments(attachmentJSON([]byte("x"), `,"fileUrl":"http://example.com/x.txt"`))},
		{"fileUrl only batch", "[" + statement + "," + withAttachments(attachmentJSON([]byte("x"), `,"fileUrl":"http://example.com/x.txt"`)) + "]"},
	} {
		for _, v := range []string{"1.0.3", "2.0.0"} {
			t.Run(c.name+" "+v, func(t *testing.T) {
				f := newFixture(t)
				resp, out := f.do(t, request{method: "POST", body: multipartBody(c.statements), contentType: multipartType, version: v})
				if resp.StatusCode != 200 || len(f.atts.got) != 0 {
					t.Fatalf("status %d: %s", resp.StatusCode, out)
				}
			})
		}
	}
}

func TestApplicationJSON_Communication_1_5_1_fileUrl_attachments(t *testing.T) {
	f := newFixture(t)
	resp, out := f.do(t, request{method: "POST", body: withAttachments(attachmentJSON([]byte("x"), `,"fileUrl":"http://example.com/x.txt"`))})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
}

func TestMultipart_Communication_1_5_2_rejections(t *testing.T) {
	data := []byte("here is a simple attachment")
	other := []byte("another attachment")
	base64CTE := attPart(data)
	base64CTE.headers["Content-Transfer-Encoding"] = "base64"
	noHash := attPart(data)
	delete(noHash.headers, "X-Experience-API-Hash")
	wrongHash := attPart(data)
	wrongHash.headers["X-Experience-API-Hash"] = hexSHA(other)
	one := withAttachments(attachmentJSON(data, ""))
	for _, c := range []struct {
		name        string
		body        string
		contentType string
	}{
		{"application/json with an attachment lacking fileUrl", one, "application/json"},
		{"attachment without fileUrl and without part", multipartBody(one), multipartType},
		{"part not referenced", multipartBody(one, attPart(data), attPart(other)), multipartType},
		{"part for a fileUrl-less statement batch with no attachments", multipartBody(statement, attPart(data)), multipartType},
		{"missing X-Experience-API-Hash", multipartBody(one, noHash), multipartType},
		{"X-Experience-API-Hash does not match the data", multipartBody(one, wrongHash), multipartType},
		{"Content-Transfer-Encoding not binary", multipartBody(one, base64CTE), multipartType},
		{"first part not application/json", strings.Replace(multipartBody(one, attPart(data)), "Content-Type: application/json", "Content-Type: text/plain", 1), multipartType},
		{"no boundary", multipartBody(one, attPart(data)), "multipart/mixed"},
		{"truncated", strings.TrimSuffix(multipartBody(one, attPart(data)), "--"+boundary+"--\r\n"), multipartType},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			resp, out := f.do(t, request{method: "POST", body: c.body, contentType: c.contentType})
			t.Log(out)
			if resp.StatusCode != 400 {
				t.Fatalf("status %d, want 400: %s", resp.StatusCode, out)
			}
			if len(f.pub.got) != 0 || len(f.atts.got) != 0 {
				t.Fatalf("rejected request stored %d statements, %d attachments", len(f.pub.got), len(f.atts.got))
			}
		})
	}
}

// Communication 1.5.2: the LRS SHOULD assume a Content-Transfer-Encoding of
// binary for attachment parts that do not state one.
func TestMultipart_Communication_1_5_2_missing_transfer_encoding_assumed_binary(t *testing.T) {
	data := []byte("here is a simple attachment")
	noCTE := attPart(data)
	delete(noCTE.headers, "Content-Transfer-Encoding")
	f := newFixture(t)
	resp, out := f.do(t, request{method: "POST", body: multipartBody(withAttachments(attachmentJSON(data, "")), noCTE), contentType: multipartType})
	if resp.StatusCode != 200 || len(f.pub.got) != 1 || len(f.atts.got) != 1 {
		t.Fatalf("status %d (%s): %d published, %d attachments stored", resp.StatusCode, out, len(f.pub.got), len(f.atts.got))
	}
}

func TestMultipart_attachment_store_failure_is_503_and_nothing_published(t *testing.T) {
	f := newFixture(t)
	f.atts.fail = fmt.Errorf("insert: %w", store.ErrUnavailable)
	data := []byte("x")
	resp, out := f.do(t, request{method: "POST", body: multipartBody(withAttachments(attachmentJSON(data, "")), attPart(data)), contentType: multipartType})
	if resp.StatusCode != 503 || len(f.pub.got) != 0 {
		t.Fatalf("status %d (%s), %d published", resp.StatusCode, out, len(f.pub.got))
	}
}

// --- Signed statements (Data 2.6) ---

func voidingOf(target, id string) string {
	idPart := ""
	if id != "" {
		idPart = `"id":"` + id + `",`
	}
	return `{` + idPart + `"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"` + target + `"}}`
}

func TestVoiding_Data_2_3_2(t *testing.T) {
	t.Run("unknown target accepted", func(t *testing.T) {
		f := newFixture(t)
		for _, v := range []string{"1.0.3", "2.0.0"} {
			if resp, out := f.do(t, request{method: "POST", body: voidingOf(uuid.NewString(), ""), version: v}); resp.StatusCode != 200 {
				t.Fatalf("%s: status %d: %s", v, resp.StatusCode, out)
			}
		}
	})
	t.Run("voiding a stored voiding statement is 400", func(t *testing.T) {
		f := newFixture(t)
		target := uuid.New()
		f.voids[target] = true
		resp, out := f.do(t, request{method: "POST", body: voidingOf(target.String(), "")})
		if resp.StatusCode != 400 || len(f.pub.got) != 0 {
			t.Fatalf("status %d: %s", resp.StatusCode, out)
		}
	})
	t.Run("voiding a voiding statement of the same batch is 400", func(t *testing.T) {
		f := newFixture(t)
		first := uuid.NewString()
		resp, out := f.do(t, request{method: "POST", body: "[" + voidingOf(uuid.NewString(), first) + "," + voidingOf(first, "") + "]"})
		if resp.StatusCode != 400 || len(f.pub.got) != 0 {
			t.Fatalf("status %d: %s", resp.StatusCode, out)
		}
	})
	t.Run("voiding an ordinary stored statement accepted", func(t *testing.T) {
		f := newFixture(t)
		resp, out := f.do(t, request{method: "POST", body: "[" + statementWithID("8f87ccde-bb56-4c2e-ab83-44982ef22df1") + "," + voidingOf("8f87ccde-bb56-4c2e-ab83-44982ef22df1", "") + "]"})
		if resp.StatusCode != 200 || len(f.pub.got) != 2 {
			t.Fatalf("status %d: %s", resp.StatusCode, out)
		}
	})
}
