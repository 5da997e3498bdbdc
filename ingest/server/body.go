package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

// errMultipart is a malformed multipart/mixed request (400).
var errMultipart = errors.New("multipart/mixed")

// Header names of attachment parts (Communication 1.5.2).
const (
	headerHash     = "X-Experience-API-Hash"
	headerEncoding = "Content-Transfer-Encoding"
)

// statementsBody is a request body that carries statements: the JSON text of
// the statements and, for multipart/mixed, the raw attachment parts.
type statementsBody struct {
	JSON      []byte
	Multipart bool
	Parts     []attachmentPart
}

// attachmentPart is one part after the first of a multipart/mixed request.
type attachmentPart struct {
	Hash        string // X-Experience-API-Hash, lower case
	ContentType string
	Content     []byte
}

// readStatementsBody checks the content type (application/json or
// multipart/mixed, Communication 1.5) and reads the body within the limit.
// It writes the error response itself and returns ok=false on failure.
func (s *Server) readStatementsBody(w http.ResponseWriter, r *http.Request) (*statementsBody, bool) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && mt != "multipart/mixed") {
		xapihttp.Error(w, r, http.StatusBadRequest, fmt.Errorf(
			"%w %q: statements must be sent as application/json or multipart/mixed", xapihttp.ErrUnsupportedMediaType, ct))
		return nil, false
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return nil, false
	}
	if mt == "application/json" {
		return &statementsBody{JSON: body}, true
	}
	sb, err := parseMultipart(body, params["boundary"])
	if err != nil {
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return nil, false
	}
	return sb, true
}

func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	return xapihttp.ReadBody(w, r, s.d.Options.MaxBodyBytes)
}

// parseMultipart splits a multipart/mixed body (RFC 2046, Communication
// 1.5.2): the first part holds the statements as application/json; every
// other part is the raw data of an attachment with an X-Experience-API-Hash
// and Content-Transfer-Encoding: binary. Parts are read raw: no transfer
// decoding is ever applied.
func parseMultipart(body []byte, boundary string) (*statementsBody, error) {
	if boundary == "" {
		return nil, fmt.Errorf("%w: the Content-Type has no boundary parameter", errMultipart)
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	sb := &statementsBody{Multipart: true}
	for i := 0; ; i++ {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			if i == 0 {
				return nil, fmt.Errorf("%w: no parts; the first part must hold the statements", errMultipart)
			}
			return sb, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errMultipart, err)
		}
		content, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("%w: part %d: %v", errMultipart, i+1, err)
		}
		ct := p.Header.Get("Content-Type")
		if i == 0 {
			if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
				return nil, fmt.Errorf("%w: the first part must have Content-Type application/json, not %q", errMultipart, ct)
			}
			sb.JSON = content
			continue
		}
		hash := strings.ToLower(strings.TrimSpace(p.Header.Get(headerHash)))
		if hash == "" {
			return nil, fmt.Errorf("%w: part %d has no %s header", errMultipart, i+1, headerHash)
		}
		// Communication 1.5.2: the LRS SHOULD assume binary when the header is
		// missing; any other encoding is refused, never decoded.
		if enc := strings.TrimSpace(p.Header.Get(headerEncoding)); enc != "" && !strings.EqualFold(enc, "binary") {
			return nil, fmt.Errorf("%w: part %d must have %s: binary (got %q)", errMultipart, i+1, headerEncoding, enc)
		}
		sb.Parts = append(sb.Parts, attachmentPart{Hash: hash, ContentType: ct, Content: content})
	}
}
