package server

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

type signer struct {
	key  *rsa.PrivateKey
	cert []byte
}

func newSigner(t *testing.T) *signer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "signer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{key: key, cert: der}
}

func (s *signer) sign(t *testing.T, alg jose.SignatureAlgorithm, payload string, x5c bool) []byte {
	t.Helper()
	opts := &jose.SignerOptions{}
	if x5c {
		opts = opts.WithHeader("x5c", []string{base64.StdEncoding.EncodeToString(s.cert)})
	}
	sg, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: s.key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := sg.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	c, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return []byte(c)
}

const signedBase = `{"id":"33cff416-e331-4c9d-969e-5373a1756120","actor":{"mbox":"mailto:example@example.com","name":"Example Learner","objectType":"Agent"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced","display":{"en-US":"experienced"}},"object":{"id":"https://example.com/video","objectType":"Activity"},"result":{"duration":"PT1.234S"},"timestamp":"2013-04-01T12:00:00Z"}`

// signedRequest returns the multipart body of statement st signed by jws.
func signedRequest(st string, jws []byte, contentType string) string {
	att := fmt.Sprintf(`{"usageType":"http://adlnet.gov/expapi/attachments/signature","display":{"en-US":"Signature"},"contentType":"%s","length":%d,"sha2":"%s"}`,
		contentType, len(jws), hexSHA(jws))
	p := attPart(jws)
	p.headers["Content-Type"] = "application/octet-stream"
	return multipartBody(strings.TrimSuffix(st, "}")+`,"attachments":[`+att+`]}`, p)
}

func TestSignedStatement_Data_2_6_accepted(t *testing.T) {
	s := newSigner(t)
	for _, c := range []struct {
		name    string
		alg     jose.SignatureAlgorithm
		payload string
		x5c     bool
	}{
		{"RS256 with x5c", jose.RS256, signedBase, true},
		{"RS384 with x5c", jose.RS384, signedBase, true},
		{"RS512 with x5c", jose.RS512, signedBase, true},
		{"RS256 without x5c", jose.RS256, signedBase, false},
		{"payload reserialized", jose.RS256, strings.ReplaceAll(signedBase, `,"`, ",\r\n  \""), true},
		{"payload duration within 0.01 s", jose.RS256, strings.Replace(signedBase, "PT1.234S", "PT1.23S", 1), true},
		{"payload without id and with other display", jose.RS256, strings.Replace(strings.Replace(signedBase, `"id":"33cff416-e331-4c9d-969e-5373a1756120",`, "", 1), `"experienced"}`, `"saw"}`, 1), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			resp, out := f.do(t, request{method: "POST", body: signedRequest(signedBase, s.sign(t, c.alg, c.payload, c.x5c), "application/octet-stream"), contentType: multipartType})
			if resp.StatusCode != 200 || len(f.pub.got) != 1 || len(f.atts.got) != 1 {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
		})
	}
}

func TestSignedStatement_Data_2_6_rejected(t *testing.T) {
	s := newSigner(t)
	good := s.sign(t, jose.RS256, signedBase, true)
	other := newSigner(t)
	// A JWS by another key, carrying the first key's certificate.
	forged := other.sign(t, jose.RS256, signedBase, false)
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","x5c":["` + base64.StdEncoding.EncodeToString(s.cert) + `"]}`))
	_, rest, _ := strings.Cut(string(forged), ".")
	forgedX5C := []byte(hdr + "." + rest)
	hmacKey := make([]byte, 32)
	hs, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: hmacKey}, nil)
	hsObj, _ := hs.Sign([]byte(signedBase))
	hsJWS, _ := hsObj.CompactSerialize()
	ps256 := s.sign(t, jose.PS256, signedBase, true)
	jsonObj, _ := func() (string, error) {
		sg, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: s.key}, nil)
		o, _ := sg.Sign([]byte(signedBase))
		return o.FullSerialize(), nil
	}()
	badX5C := []byte(base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","x5c":["bm90IGEgY2VydA=="]}`)) + "." + rest)
	for _, c := range []struct {
		name        string
		jws         []byte
		contentType string
	}{
		{"payload differs (verb)", s.sign(t, jose.RS256, strings.Replace(signedBase, "experienced", "completed", 1), true), "application/octet-stream"},
		{"payload differs (duration beyond 0.01 s)", s.sign(t, jose.RS256, strings.Replace(signedBase, "PT1.234S", "PT1.25S", 1), true), "application/octet-stream"},
		{"payload has another id", s.sign(t, jose.RS256, strings.Replace(signedBase, "33cff416", "43cff416", 1), true), "application/octet-stream"},
		{"payload not a statement", s.sign(t, jose.RS256, `[1,2]`, true), "application/octet-stream"},
		{"signature does not verify against x5c", forgedX5C, "application/octet-stream"},
		{"malformed x5c", badX5C, "application/octet-stream"},
		{"HS256", []byte(hsJWS), "application/octet-stream"},
		{"PS256", ps256, "application/octet-stream"},
		{"JWS JSON serialization", []byte(jsonObj), "application/octet-stream"},
		{"not a JWS", []byte("not a jws"), "application/octet-stream"},
		{"tampered signature", append(bytes.Clone(good[:len(good)-4]), []byte("AAAA")...), "application/octet-stream"},
		{"signature contentType not octet-stream", good, "text/plain"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			resp, out := f.do(t, request{method: "POST", body: signedRequest(signedBase, c.jws, c.contentType), contentType: multipartType})
			t.Log(out)
			if resp.StatusCode != 400 || len(f.pub.got) != 0 || len(f.atts.got) != 0 {
				t.Fatalf("status %d, want 400: %s", resp.StatusCode, out)
			}
			var eb struct{ Error struct{ Message string } }
			_ = json.Unmarshal([]byte(out), &eb)
			if eb.Error.Message == "" {
				t.Fatalf("400 without a message: %s", out)
			}
		})
	}
}

// --- Voiding (Data 2.3.2) ---

// The example of Data Appendix D: the JWS signed with the example key, x5c
// holding the (long expired) example certificate and its CA; the chain is not
// validated, the signature is.
func TestSignedStatement_Data_2_6_Appendix_D_example(t *testing.T) {
	jws, err := os.ReadFile("testdata/appendix_d.jws")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.ReadFile("testdata/appendix_d_statement.json")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	resp, out := f.do(t, request{method: "POST", version: "1.0.0",
		body: signedRequest(strings.TrimSpace(string(st)), jws, "application/octet-stream"), contentType: multipartType})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
}
