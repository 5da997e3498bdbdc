package server

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// TestStoreLookup_chDB checks the SQL of StoreLookup against the embedded
// engine: attachment data round trip and the voiding-statement lookup
// (Data 2.3.2) on statement_index.
func TestStoreLookup_chDB(t *testing.T) {
	dir := t.TempDir()
	e, err := chdb.Open(dir)
	if err != nil {
		t.Skipf("chDB unavailable: %v", err)
	}
	defer e.Close()
	ctx := context.Background()
	db := fmt.Sprintf("ingest_lookup_%d", os.Getpid())
	if _, err := store.Migrate(ctx, e, db); err != nil {
		t.Fatal(err)
	}
	l := StoreLookup{Engine: e, Database: db}

	data := []byte("bytes\x00\r\n'\\")
	att := store.Attachment{SHA2: hexSHA(data), ContentType: "text/plain", Content: data}
	if err := l.InsertAttachments(ctx, "t1", time.Now(), []store.Attachment{att}); err != nil {
		t.Fatal(err)
	}
	got, err := store.Attachments(ctx, e, db, "t1", []string{att.SHA2})
	if err != nil || !bytes.Equal(got[att.SHA2].Content, data) {
		t.Fatalf("attachments = %v, %v", got, err)
	}

	target, voiding, plain := uuid.New(), uuid.New(), uuid.New()
	now := time.Now().UTC().Truncate(time.Millisecond)
	rows := []store.StatementRow{
		{Tenant: "t1", ID: target, Stored: now, Timestamp: now, Version: "1.0.0", Verb: "http://example.com/v", ObjectType: "Activity", ObjectID: "http://example.com/a", Raw: []byte("{}")},
		{Tenant: "t1", ID: voiding, Stored: now, Timestamp: now, Version: "1.0.0", Verb: "http://adlnet.gov/expapi/verbs/voided", ObjectType: "StatementRef", ObjectID: target.String(), Voids: target, Raw: []byte("{}")},
		{Tenant: "t1", ID: plain, Stored: now, Timestamp: now, Version: "1.0.0", Verb: "http://example.com/v", ObjectType: "Activity", ObjectID: "http://example.com/a", Raw: []byte("{}")},
	}
	if err := e.Insert(ctx, store.StatementBatch(db, rows)); err != nil {
		t.Fatal(err)
	}
	v, err := l.VoidingStatements(ctx, "t1", []uuid.UUID{target, voiding, plain, uuid.New()})
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 1 || !v[voiding] {
		t.Fatalf("voiding statements = %v, want only %s", v, voiding)
	}
	if v, err := l.VoidingStatements(ctx, "t2", []uuid.UUID{voiding}); err != nil || len(v) != 0 {
		t.Fatalf("other tenant: %v, %v", v, err)
	}
}
