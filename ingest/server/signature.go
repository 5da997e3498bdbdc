package server

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// errSignature is a malformed or mismatching statement signature (400, Data 2.6).
var errSignature = errors.New("signature of attachment")

// signatureAlgorithms are the only algorithms Data 2.6 allows.
var signatureAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512}

// verifySignature checks the JWS of a signed statement (Data 2.6): JWS
// Compact Serialization (a "shall" in 2.0), alg RS256/RS384/RS512, a valid
// signature by the first certificate of x5c (or an embedded RSA jwk) when the
// header carries one (the chain itself is not validated: Data 2.6 asks to
// catch mistakes, not to authenticate), and a payload logically equivalent to
// st (xapi.ContentHash: attachments ignored, durations to 0.01 s).
func verifySignature(st xapi.Statement, jws []byte) error {
	token := strings.TrimSpace(string(jws))
	obj, err := jose.ParseSignedCompact(token, signatureAlgorithms)
	if err != nil {
		return fmt.Errorf("not a JWS compact serialization signed with RS256, RS384 or RS512: %v", err)
	}
	if len(obj.Signatures) != 1 {
		return fmt.Errorf("the JWS must carry exactly one signature")
	}
	key, err := signatureKey(token, obj.Signatures[0].Header)
	if err != nil {
		return err
	}
	var payload []byte
	if key != nil {
		if payload, err = obj.Verify(key); err != nil {
			return fmt.Errorf("the JWS signature does not verify against its certificate: %v", err)
		}
	} else {
		payload = obj.UnsafePayloadWithoutVerification()
	}
	signed, err := xapi.DecodeStatement(payload)
	if err != nil {
		return fmt.Errorf("the JWS payload is not a statement: %v", err)
	}
	if a, b := idOf(signed), idOf(st); a != "" && b != "" && a != b {
		return fmt.Errorf("the JWS payload has id %s, the statement %s", a, b)
	}
	if xapi.ContentHash(signed) != xapi.ContentHash(st) {
		return fmt.Errorf("the JWS payload differs from the statement")
	}
	return nil
}

// signatureKey returns the RSA public key of the first x5c certificate, or of
// an embedded jwk, or nil when the header names no key.
func signatureKey(token string, h jose.Header) (*rsa.PublicKey, error) {
	protected, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(protected)
	if err != nil {
		return nil, fmt.Errorf("JWS header: %v", err)
	}
	var hdr struct {
		X5C []string `json:"x5c"`
	}
	if err := json.Unmarshal(raw, &hdr); err != nil {
		return nil, fmt.Errorf("JWS header: %v", err)
	}
	if len(hdr.X5C) > 0 {
		der, err := base64.StdEncoding.DecodeString(hdr.X5C[0])
		if err != nil {
			return nil, fmt.Errorf("JWS header x5c[0]: %v", err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("JWS header x5c[0]: %v", err)
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("JWS header x5c[0]: the certificate's key is %T, not RSA", cert.PublicKey)
		}
		return pub, nil
	}
	if h.JSONWebKey != nil {
		pub, ok := h.JSONWebKey.Key.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("JWS header jwk: the key is %T, not an RSA public key", h.JSONWebKey.Key)
		}
		return pub, nil
	}
	return nil, nil
}

func idOf(st xapi.Statement) string {
	s, _ := st["id"].(string)
	return strings.ToLower(s)
}
