package documents

import (
	"context"
	"time"

	"github.com/tributary-lrs/tributary/schemas/store"
)

// table is the name of the documents table (migration 0006).
const table = "documents"

// doc is the latest row of a document. A tombstone (deleted) or no row at all
// means the document is absent.
type doc struct {
	version     uint64
	deleted     bool
	content     []byte
	contentType string
	etag        string // SHA-1 hex, unquoted
	updated     time.Time
}

func (d *doc) live() bool { return d != nil && !d.deleted }

// docKey identifies one document.
type docKey struct {
	tenant, resource, scope, id string
}

// The queries of the document store; {db} is the database (store.InDB).
const (
	latestSQL = "SELECT version, deleted, content, content_type, etag, updated FROM {db}.documents" +
		" WHERE tenant = {tenant:String} AND resource = {resource:String} AND scope_key = {scope:String}" +
		" AND doc_id = {id:String} ORDER BY version DESC LIMIT 1"
	latestHeaderSQL = "SELECT version, deleted, '', content_type, etag, updated FROM {db}.documents" +
		" WHERE tenant = {tenant:String} AND resource = {resource:String} AND scope_key = {scope:String}" +
		" AND doc_id = {id:String} ORDER BY version DESC LIMIT 1"
	listSQL = "SELECT scope_key, doc_id, max(version) AS v, argMax(deleted, version) AS d, " +
		"argMax(updated, version) AS u FROM {db}.documents WHERE tenant = {tenant:String} AND resource = {resource:String} AND "
	listScope  = "scope_key = {scope:String}"
	listPrefix = "startsWith(scope_key, {scope:String})"
	listGroup  = " GROUP BY scope_key, doc_id HAVING d = 0"
	listSince  = " AND u > fromUnixTimestamp64Milli({since:Int64}, 'UTC')"
	listOrder  = " ORDER BY doc_id, scope_key"
)

// latest reads the latest row of a document, tombstones included (nil when
// the document was never written). withContent reads the bytes too.
func (s *Service) latest(ctx context.Context, k docKey, withContent bool) (*doc, error) {
	text := latestHeaderSQL
	if withContent {
		text = latestSQL
	}
	rows, err := s.d.Engine.Query(ctx, store.Query{Text: store.InDB(text, s.d.Database), Params: store.Params{
		{Name: "tenant", Value: k.tenant}, {Name: "resource", Value: k.resource},
		{Name: "scope", Value: k.scope}, {Name: "id", Value: k.id}}})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var d doc
	var deleted uint8
	if err := rows.Scan(&d.version, &deleted, &d.content, &d.contentType, &d.etag, &d.updated); err != nil {
		return nil, err
	}
	d.deleted = deleted != 0
	return &d, rows.Err()
}

// listed is one live document of a list.
type listed struct {
	scope, id string
	version   uint64
	updated   time.Time
}

// list returns the live documents of a scope (or, with prefix, of every scope
// starting with it), optionally only those updated after since, by id.
func (s *Service) list(ctx context.Context, tenant, resource, scope string, prefix bool, since *time.Time) ([]listed, error) {
	q := store.Query{Params: store.Params{{Name: "tenant", Value: tenant}, {Name: "resource", Value: resource},
		{Name: "scope", Value: scope}}}
	q.Text = listSQL + listScope
	if prefix {
		q.Text = listSQL + listPrefix
	}
	q.Text += listGroup
	if since != nil {
		// u > trunc(since) holds exactly when u > since, u having millisecond
		// precision.
		q.Text += listSince
		q.Params = append(q.Params, store.Param{Name: "since", Value: since.Truncate(time.Millisecond).UnixMilli()})
	}
	q.Text = store.InDB(q.Text+listOrder, s.d.Database)
	rows, err := s.d.Engine.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []listed
	for rows.Next() {
		var l listed
		var d uint8
		if err := rows.Scan(&l.scope, &l.id, &l.version, &d, &l.updated); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// row is one write: a new version of a document or a tombstone.
type row struct {
	key         docKey
	version     uint64
	deleted     bool
	content     []byte
	contentType string
	etag        string
	updated     time.Time
}

// insert writes rows synchronously (visible to the next read when it returns).
func (s *Service) insert(ctx context.Context, rs ...row) error {
	n := len(rs)
	tenant, resource, scope, id := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	version, deleted := make([]uint64, n), make([]uint8, n)
	content, ctype, etag, updated := make([]string, n), make([]string, n), make([]string, n), make([]time.Time, n)
	for i, r := range rs {
		tenant[i], resource[i], scope[i], id[i] = r.key.tenant, r.key.resource, r.key.scope, r.key.id
		version[i] = r.version
		if r.deleted {
			deleted[i] = 1
		}
		content[i], ctype[i], etag[i], updated[i] = string(r.content), r.contentType, r.etag, r.updated
	}
	return s.d.Engine.Insert(ctx, &store.Batch{Table: store.Table(s.d.Database, table), Columns: []store.Column{
		{Name: "tenant", Data: tenant}, {Name: "resource", Data: resource}, {Name: "scope_key", Data: scope},
		{Name: "doc_id", Data: id}, {Name: "version", Data: version}, {Name: "content", Data: content},
		{Name: "content_type", Data: ctype}, {Name: "etag", Data: etag}, {Name: "updated", Data: updated},
		{Name: "deleted", Data: deleted},
	}})
}

// next returns the version and updated time of a write following prev
// (nil: the document's first row): both strictly increase per document.
func next(prev *doc, now time.Time) (uint64, time.Time) {
	v := uint64(now.UnixNano())
	u := now.UTC().Truncate(time.Millisecond)
	if prev != nil {
		if v <= prev.version {
			v = prev.version + 1
		}
		if !u.After(prev.updated) {
			u = prev.updated.Add(time.Millisecond)
		}
	}
	return v, u
}
