package server

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"mime"
	"strings"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// AttachmentStore stores the raw data of attachments received in a
// multipart/mixed request. The server calls it before publishing the
// statements that reference the data, so an acknowledged statement never
// lacks its attachments; data is content-addressed by sha2, so storing it
// again, or for a publish that then fails, is harmless.
type AttachmentStore interface {
	InsertAttachments(ctx context.Context, tenant string, stored time.Time, atts []store.Attachment) error
}

// InsertAttachments implements AttachmentStore.
func (l StoreLookup) InsertAttachments(ctx context.Context, tenant string, stored time.Time, atts []store.Attachment) error {
	return store.InsertAttachments(ctx, l.Engine, l.Database, tenant, stored, atts)
}

// UsageTypeSignature marks the JWS of a signed statement (Data 2.6).
const UsageTypeSignature = "http://adlnet.gov/expapi/attachments/signature"

// errAttachment is an attachment rule violation (400).
var errAttachment = errors.New("attachment")

// attachmentMatcher matches the attachment objects of a request's
// statements, one statement at a time, with the parts of the request
// (Communication 1.5.2, Data 2.4.11) and verifies signatures (Data 2.6):
//
//   - application/json: every attachment object needs a fileUrl;
//   - multipart/mixed: every part's data must hash to its X-Experience-API-Hash,
//     every attachment object without fileUrl must match a part by sha2, and
//     every part must be referenced by an attachment object. Parts are
//     matched by sha2 only: the object's length is stored as declared, not
//     checked against the part (clients declare lengths that differ from the
//     bytes of the transfer encoding, and the hash already pins the data).
type attachmentMatcher struct {
	body  *statementsBody
	batch bool
	parts map[string]*attachmentPart
	used  map[string]string // sha2 -> contentType of the first object referencing it
}

// newAttachmentMatcher checks the data of every part against its hash.
func newAttachmentMatcher(body *statementsBody, batch bool) (*attachmentMatcher, error) {
	m := &attachmentMatcher{body: body, batch: batch, parts: make(map[string]*attachmentPart, len(body.Parts)),
		used: map[string]string{}}
	for i := range body.Parts {
		p := &body.Parts[i]
		if err := checkHash(p.Hash, p.Content); err != nil {
			return m, fmt.Errorf("%w: part %d: %w", errAttachment, i+2, err)
		}
		m.parts[p.Hash] = p
	}
	return m, nil
}

// match checks the attachment objects of statement i.
func (m *attachmentMatcher) match(i int, st xapi.Statement) error {
	list, _ := st["attachments"].([]any)
	for j, a := range list {
		att, _ := a.(map[string]any)
		path := fmt.Sprintf("$.attachments[%d]", j)
		if m.batch {
			path = fmt.Sprintf("$[%d].attachments[%d]", i, j)
		}
		sha2, _ := att["sha2"].(string)
		sha2 = strings.ToLower(sha2)
		_, hasURL := att["fileUrl"]
		contentType, _ := att["contentType"].(string)
		usage, _ := att["usageType"].(string)
		p, found := m.parts[sha2]
		switch {
		case found:
			if _, seen := m.used[sha2]; !seen {
				m.used[sha2] = contentType
			}
		case hasURL:
		case !m.body.Multipart:
			return fmt.Errorf("%w %s has no fileUrl: attachment data must be sent as multipart/mixed (Communication 1.5.2)", errAttachment, path)
		default:
			return fmt.Errorf("%w %s has no fileUrl and no part with %s %s (Communication 1.5.2)", errAttachment, path, headerHash, sha2)
		}
		if usage != UsageTypeSignature {
			continue
		}
		if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/octet-stream" {
			return fmt.Errorf("%w %s: a signature must have contentType application/octet-stream, not %q (Data 2.6)", errAttachment, path, contentType)
		}
		if !found { // fileUrl only: the JWS is not here to verify
			continue
		}
		if err := verifySignature(st, p.Content); err != nil {
			return fmt.Errorf("%w %s: %w", errSignature, path, err)
		}
	}
	return nil
}

// data returns the attachment data to store, one per sha2, once every
// statement was matched; a part no attachment object references is an error.
func (m *attachmentMatcher) data() ([]store.Attachment, error) {
	out := make([]store.Attachment, 0, len(m.parts))
	for i := range m.body.Parts {
		p := &m.body.Parts[i]
		ct, ok := m.used[p.Hash]
		if !ok {
			return nil, fmt.Errorf("%w: part %d (%s %s) is not referenced by any attachment object (Communication 1.5.2)", errAttachment, i+2, headerHash, p.Hash)
		}
		if m.parts[p.Hash] != p { // a second copy of the same data
			continue
		}
		if p.ContentType != "" {
			ct = p.ContentType
		}
		out = append(out, store.Attachment{SHA2: p.Hash, ContentType: ct, Content: p.Content})
	}
	return out, nil
}

// checkHash verifies that content hashes to the hex SHA-2 digest want
// (SHA-256, SHA-384 or SHA-512, told apart by length).
func checkHash(want string, content []byte) error {
	var h hash.Hash
	switch len(want) {
	case 64:
		h = sha256.New()
	case 96:
		h = sha512.New384()
	case 128:
		h = sha512.New()
	default:
		return fmt.Errorf("%s %q is not a hex SHA-256, SHA-384 or SHA-512 digest", headerHash, want)
	}
	h.Write(content)
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("the data hashes to %s, not to its %s %s", got, headerHash, want)
	}
	return nil
}
