package query

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// attachmentRefs is what a statement says about its attachments, also inside
// a SubStatement object.
type attachmentRefs struct {
	Attachments []struct {
		SHA2 string `json:"sha2"`
	} `json:"attachments"`
	Object struct {
		Attachments []struct {
			SHA2 string `json:"sha2"`
		} `json:"attachments"`
	} `json:"object"`
}

// attachmentHashes lists the distinct sha2 values the statements declare,
// in order of first appearance (compared case-insensitively: hex).
func attachmentHashes(raws [][]byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, raw := range raws {
		var refs attachmentRefs
		if json.Unmarshal(raw, &refs) != nil {
			continue
		}
		for _, a := range append(refs.Attachments, refs.Object.Attachments...) {
			k := strings.ToLower(a.SHA2)
			if a.SHA2 != "" && !seen[k] {
				seen[k] = true
				out = append(out, a.SHA2)
			}
		}
	}
	return out
}

// writeMultipart answers attachments=true (Communication 2.1.3 and 1.5.2):
// multipart/mixed whose first part is the JSON result (application/json),
// followed by one part per distinct attachment the statements of raws
// declare and the store holds, each with Content-Type,
// Content-Transfer-Encoding: binary and X-Experience-API-Hash. Attachments
// given only by fileUrl have no stored bytes and no part.
func (s *Service) writeMultipart(ctx context.Context, w http.ResponseWriter, r *http.Request, tenant string,
	result []byte, raws [][]byte, lastModified time.Time) {
	hashes := attachmentHashes(raws)
	var stored map[string]store.Attachment
	if len(hashes) > 0 {
		lower := make([]string, len(hashes))
		for i, h := range hashes {
			lower[i] = strings.ToLower(h)
		}
		var err error
		if stored, err = store.Attachments(ctx, s.d.Engine, s.d.Database, tenant, lower); err != nil {
			s.storeError(w, r, err)
			return
		}
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	// A boundary derived from the content rather than random: HEAD and GET
	// (and two GETs of the same page) answer the same headers.
	sum := sha256.New()
	sum.Write(result)
	for _, h := range hashes {
		sum.Write([]byte(h))
	}
	_ = mw.SetBoundary("xapi-" + hex.EncodeToString(sum.Sum(nil)))
	part, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/json"}})
	_, _ = part.Write(result)
	for _, h := range hashes {
		a, ok := stored[strings.ToLower(h)]
		if !ok {
			continue
		}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		part, _ := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {ct},
			"Content-Transfer-Encoding": {"binary"},
			"X-Experience-Api-Hash":     {h},
		})
		_, _ = part.Write(a.Content)
	}
	_ = mw.Close()
	hd := w.Header()
	hd.Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	hd.Set("Content-Length", strconv.Itoa(body.Len()))
	if !lastModified.IsZero() {
		hd.Set("Last-Modified", lastModified.UTC().Format(http.TimeFormat))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body.Bytes())
}
