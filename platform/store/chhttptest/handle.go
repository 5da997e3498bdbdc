package chhttptest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// maxBody bounds a request body (queries and insert data).
const maxBody = 1 << 30

// insertFormatRe splits "INSERT INTO t (cols) [SETTINGS ...] FORMAT fmt".
var insertFormatRe = regexp.MustCompile(`(?is)^\s*(INSERT\s+INTO\s+.*?)(\s+SETTINGS\s+.*?)?\s+FORMAT\s+(\w+)\s*$`)

// handle runs the request and returns its output and format.
func (s *Server) handle(r *http.Request) ([]byte, string, error) {
	if enc := r.Header.Get("Content-Encoding"); enc != "" {
		return nil, "", fmt.Errorf("chhttptest: Content-Encoding %q is not supported", enc)
	}
	params := r.URL.Query()
	if params.Get("compress") == "1" || params.Get("decompress") == "1" {
		return nil, "", errors.New("chhttptest: native compression is not supported")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, "", fmt.Errorf("chhttptest: read body: %w", err)
	}
	format := params.Get("default_format")
	if format == "" {
		format = "TabSeparated"
	}
	sql := params.Get("query")
	switch {
	case sql == "":
		sql = string(body)
	case insertFormatRe.MatchString(sql):
		s.record(sql, params)
		return nil, format, s.insert(r, sql, body)
	case len(body) > 0:
		sql += "\n" + string(body) // ClickHouse appends the body to the query parameter
	}
	if sql == "" {
		return nil, "", &store.ServerError{Code: 62, Name: "SYNTAX_ERROR", Message: "Empty query."}
	}
	s.record(sql, params)
	if sql, err = bindParams(sql, params); err != nil {
		return nil, "", err
	}
	out, err := s.engine.Raw(r.Context(), sql, format)
	if err != nil {
		return nil, "", err
	}
	if format != "Native" || len(out) == 0 {
		return out, format, nil
	}
	rev, _ := strconv.Atoi(params.Get("client_protocol_version"))
	rev = min(rev, s.revision)
	if rev <= 0 {
		return out, format, nil
	}
	out, err = reencode(out, rev)
	if err != nil {
		return nil, "", fmt.Errorf("chhttptest: re-encode Native output at revision %d: %w", rev, err)
	}
	return out, format, nil
}

// insert runs "INSERT ... FORMAT fmt" with body as the data. The data may hold
// any byte, so it goes through a temporary file instead of the SQL text.
func (s *Server) insert(r *http.Request, sql string, body []byte) error {
	m := insertFormatRe.FindStringSubmatch(sql)
	f, err := os.CreateTemp("", "chhttptest-insert-*")
	if err != nil {
		return fmt.Errorf("chhttptest: insert: %w", err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(body)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("chhttptest: insert: write data: %w", werr)
	}
	q := m[1] + " FROM INFILE " + chdb.Literal(f.Name()) + insertSettingsClause(m[2], settingsOf(r.URL.Query())) + " FORMAT " + m[3]
	_, err = s.engine.Raw(r.Context(), q, "Null")
	return err
}

// insertSettingsClause joins the insert's own SETTINGS clause (" SETTINGS
// a = 1, ..." or "") with the settings of the request's URL, which a server
// applies to the query (insert deduplication tokens among them).
func insertSettingsClause(own string, url map[string]string) string {
	parts := []string{}
	if own = strings.TrimSpace(own); own != "" {
		parts = append(parts, strings.TrimSpace(own[len("SETTINGS"):]))
	}
	names := make([]string, 0, len(url))
	for k := range url {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		parts = append(parts, store.Ident(k)+" = "+chdb.SettingLiteral(url[k]))
	}
	if len(parts) == 0 {
		return ""
	}
	return " SETTINGS " + strings.Join(parts, ", ")
}
