package store

import (
	"context"
	"fmt"
	"time"
)

// AttachmentsTable holds attachment bytes, content-addressed by SHA-256.
const AttachmentsTable = "attachments"

// Attachment is the content of one statement attachment: the bytes exactly as
// received, keyed by SHA2 (lowercase hex SHA-256 of Content, as in the
// attachment object's sha2 property).
type Attachment struct {
	SHA2, ContentType string
	Content           []byte
}

// InsertAttachments stores atts for tenant with one synchronous batch insert.
// Storing the same sha2 twice is harmless (rows collapse by (tenant, sha2)).
func InsertAttachments(ctx context.Context, e Engine, db, tenant string, stored time.Time, atts []Attachment) error {
	n := len(atts)
	if n == 0 {
		return nil
	}
	var (
		tenants, sha2s, types, contents = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		lengths                         = make([]uint64, n)
		storedAt                        = make([]time.Time, n)
	)
	stored = stored.UTC()
	for i, a := range atts {
		tenants[i], sha2s[i], types[i], contents[i] = tenant, a.SHA2, a.ContentType, string(a.Content)
		lengths[i], storedAt[i] = uint64(len(a.Content)), stored
	}
	b := &Batch{Table: Table(db, AttachmentsTable), Columns: []Column{
		{"tenant", tenants}, {"sha2", sha2s}, {"content_type", types},
		{"length", lengths}, {"content", contents}, {"stored", storedAt},
	}}
	if err := e.Insert(ctx, b); err != nil {
		return fmt.Errorf("insert %d attachment(s): %w", n, err)
	}
	return nil
}

// Attachments returns the stored attachments of tenant among sha2s, keyed by
// sha2. A sha2 missing from the result is not stored.
func Attachments(ctx context.Context, e Engine, db, tenant string, sha2s []string) (map[string]Attachment, error) {
	out := make(map[string]Attachment, len(sha2s))
	for start := 0; start < len(sha2s); start += maxLookup {
		chunk := sha2s[start:min(start+maxLookup, len(sha2s))]
		q := Query{Text: InDB(attachmentsBySHA2, db), Params: Params{{"tenant", tenant}, {"sha2s", chunk}}}
		if err := scanAttachments(ctx, e, q, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// attachmentsBySHA2 reads the attachments of a tenant among sha2s.
const attachmentsBySHA2 = "SELECT sha2, content_type, content FROM {db}.attachments WHERE tenant = {tenant:String} " +
	"AND sha2 IN {sha2s:Array(String)} LIMIT 1 BY sha2"

func scanAttachments(ctx context.Context, e Engine, q Query, out map[string]Attachment) error {
	var a Attachment
	if err := EachRow(ctx, e, q, func() { out[a.SHA2] = a }, &a.SHA2, &a.ContentType, &a.Content); err != nil {
		return fmt.Errorf("look up attachments: %w", err)
	}
	return nil
}
