package enginetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// The process's one chDB session (chDB allows one per process); every test
// uses its own database.
var (
	chdbDir string
	dbSeq   atomic.Int64
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "store-chdb-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	chdbDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func migrated(t *testing.T) (store.Engine, string) {
	t.Helper()
	e, err := chdb.Open(chdbDir)
	if err != nil {
		t.Fatalf("chdb.Open: %v", err)
	}
	t.Cleanup(func() { _ = e.Close() })
	db := fmt.Sprintf("store_attachments_%d", dbSeq.Add(1))
	if _, err := store.Migrate(context.Background(), e, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return e, db
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// Communication 1.5.2 / Data 2.4.11: attachment bytes are stored exactly and
// found again by their sha2, per tenant.
func TestAttachmentsRoundTripExactBytes(t *testing.T) {
	e, db := migrated(t)
	ctx := context.Background()
	binary := make([]byte, 256*3)
	for i := range binary {
		binary[i] = byte(i) // every byte value, including NUL, \n, \r, ' and \
	}
	text := []byte("here is a simple attachment\r\n")
	atts := []store.Attachment{
		{SHA2: sha(binary), ContentType: "application/octet-stream", Content: binary},
		{SHA2: sha(text), ContentType: "text/plain", Content: text},
	}
	stored := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	if err := store.InsertAttachments(ctx, e, db, "t1", stored, atts); err != nil {
		t.Fatal(err)
	}
	// The same bytes again (a retried request): still one row per sha2.
	if err := store.InsertAttachments(ctx, e, db, "t1", stored.Add(time.Second), atts[:1]); err != nil {
		t.Fatal(err)
	}
	got, err := store.Attachments(ctx, e, db, "t1", []string{atts[0].SHA2, atts[1].SHA2, sha([]byte("missing"))})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d attachments, want 2", len(got))
	}
	for _, a := range atts {
		g := got[a.SHA2]
		if g.SHA2 != a.SHA2 || g.ContentType != a.ContentType || !bytes.Equal(g.Content, a.Content) {
			t.Errorf("attachment %s = %+v, want %+v", a.SHA2, g, a)
		}
	}
	// Other tenants don't see them.
	other, err := store.Attachments(ctx, e, db, "t2", []string{atts[0].SHA2})
	if err != nil || len(other) != 0 {
		t.Fatalf("other tenant: %v, %v", other, err)
	}
	rows, err := e.Query(ctx, store.Query{Text: "SELECT length, stored FROM " + store.Table(db, store.AttachmentsTable) +
		" FINAL WHERE sha2 = {sha2:String}", Params: store.Params{{Name: "sha2", Value: atts[1].SHA2}}})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal("no row")
	}
	var n uint64
	var st time.Time
	if err := rows.Scan(&n, &st); err != nil || n != uint64(len(text)) || !st.Equal(stored) {
		t.Fatalf("length, stored = %d, %v, %v; want %d, %v", n, st, err, len(text), stored)
	}
}

func TestAttachmentsEmpty(t *testing.T) {
	e, db := migrated(t)
	ctx := context.Background()
	if err := store.InsertAttachments(ctx, e, db, "t", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	got, err := store.Attachments(ctx, e, db, "t", nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("= %v, %v", got, err)
	}
}
