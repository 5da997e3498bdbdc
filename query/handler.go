package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/query/statements"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

var errNotFound = errors.New("no such statement")

// getStatements serves GET and HEAD /xapi/statements.
func (s *Service) getStatements(w http.ResponseWriter, r *http.Request) {
	p, ok := xapihttp.PrincipalFrom(r.Context())
	if !ok || p.Tenant == "" {
		xapihttp.Error(w, r, http.StatusUnauthorized, xapihttp.ErrUnauthorized)
		return
	}
	req, err := s.params.Parse(r.URL.RawQuery, xapihttp.VersionFrom(r.Context()))
	if err != nil {
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return
	}
	wm, ok := xapihttp.WatermarkFrom(r.Context())
	if !ok {
		xapihttp.Unavailable(w, r, retryAfter, xapihttp.ErrNoWatermark)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.d.Options.Timeout)
	defer cancel()
	v := viewer(p)
	switch req.Kind {
	case statements.KindSingle, statements.KindVoided:
		s.single(ctx, w, r, v, req)
	case statements.KindMore:
		s.list(ctx, w, r, v, req.Cursor)
	default:
		s.list(ctx, w, r, v, statements.NewCursor(req.Filter, wm))
	}
}

// viewer confines reads to the principal's tenant and, for a credential
// that may only read its own statements (statements/read/mine), to the
// statements whose authority is the one the LRS assigns it.
func viewer(p *xapihttp.Principal) statements.Viewer {
	v := statements.Viewer{Tenant: p.Tenant}
	if !p.Can(xapihttp.ScopeStatementsRead) {
		if k, ok := xapi.AgentKey(p.Authority); ok {
			v.Authority = k
		} else {
			v.Authority = "\x00no authority" // matches nothing
		}
	}
	return v
}

// single answers statementId (404 when voided) and voidedStatementId (404
// unless voided), as multipart/mixed with its attachments when
// attachments=true.
func (s *Service) single(ctx context.Context, w http.ResponseWriter, r *http.Request, v statements.Viewer, req statements.Request) {
	tenant := v.Tenant
	raw, stored, voided, found, err := s.statement(ctx, v, req.ID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if !found || voided != (req.Kind == statements.KindVoided) {
		what := "statement"
		if req.Kind == statements.KindVoided {
			what = "voided statement"
		}
		xapihttp.Error(w, r, http.StatusNotFound, fmt.Errorf("%w: no %s with id %s", errNotFound, what, req.ID))
		return
	}
	out, err := s.render(ctx, r, tenant, req.Filter.Format, [][]byte{raw})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if req.Filter.Attachments {
		s.writeMultipart(ctx, w, r, tenant, out[0], [][]byte{raw}, stored)
		return
	}
	writeJSON(w, out[0], stored)
}

// statement finds statement id for the viewer: at hand in the all-in-one
// process (acknowledged, or recently stored or read) when it can, else in
// the store, and whether a voiding statement targets it. The process is
// asked first: a statement leaves its pending set only after the insert
// returned, so one not at hand is found by the store read that follows.
func (s *Service) statement(ctx context.Context, v statements.Viewer, id uuid.UUID) (raw []byte, stored time.Time, voided, found bool, err error) {
	if l := s.d.Local; l != nil {
		voided, authoritative := l.Voided(v.Tenant, id)
		raw, stored, authority, ok := l.Statement(v.Tenant, id)
		mine := v.Authority == "" || v.Authority == authority
		if ok && authoritative {
			return raw, stored, voided, mine, nil
		}
		row, err := s.byID.read(ctx, v, id, !authoritative)
		if err != nil {
			return nil, stored, false, false, err
		}
		if row.found {
			if v.Authority == "" {
				l.Remember(v.Tenant, id, row.raw, row.stored, authorityOf(row.raw))
			}
			voidedNow, _ := l.Voided(v.Tenant, id) // by a voiding statement still pending
			return row.raw, row.stored, row.voided || voided || voidedNow, true, nil
		}
		return raw, stored, voided, ok && mine, nil
	}
	row, err := s.byID.read(ctx, v, id, true)
	return row.raw, row.stored, row.voided, row.found, err
}

// authorityOf is the authority object of a stored statement, nil when it
// has none.
func authorityOf(raw []byte) []byte {
	var st struct {
		Authority json.RawMessage `json:"authority"`
	}
	if json.Unmarshal(raw, &st) != nil {
		return nil
	}
	return st.Authority
}

// list answers one page of a StatementResult, splicing the stored bytes of
// each statement into the body without re-encoding them (format=exact), or
// the statements rewritten for format=ids or canonical.
func (s *Service) list(ctx context.Context, w http.ResponseWriter, r *http.Request, v statements.Viewer, c statements.Cursor) {
	tenant := v.Tenant
	ps, next, err := s.page(ctx, v, c)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	raws, err := s.raws(ctx, tenant, ps)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	var newest time.Time
	for _, p := range ps {
		if p.Stored.After(newest) {
			newest = p.Stored
		}
	}
	out, err := s.render(ctx, r, tenant, c.Filter.Format, raws)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	var body bytes.Buffer
	body.WriteString(`{"statements":[`)
	for i, raw := range out {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(raw)
	}
	body.WriteString(`],"more":`)
	if next != nil {
		body.WriteString(strconv.Quote("/xapi/statements?more=" + s.params.Cursors.Encode(c.Next(*next))))
	} else {
		body.WriteString(`""`)
	}
	body.WriteString("}")
	if c.Filter.Attachments {
		s.writeMultipart(ctx, w, r, tenant, body.Bytes(), raws, newest)
		return
	}
	writeJSON(w, body.Bytes(), newest)
}

// writeJSON answers 200 with body; lastModified is skipped when zero.
func writeJSON(w http.ResponseWriter, body []byte, lastModified time.Time) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if !lastModified.IsZero() {
		h.Set("Last-Modified", lastModified.UTC().Format(http.TimeFormat))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// storeError answers 503 with Retry-After for a failure that may pass (a
// transient engine error or the query timeout), else 500.
func (s *Service) storeError(w http.ResponseWriter, r *http.Request, err error) {
	if store.IsTransient(err) || errors.Is(err, context.DeadlineExceeded) {
		s.log.WarnContext(r.Context(), "store unavailable", "err", err)
		xapihttp.Unavailable(w, r, retryAfter, err)
		return
	}
	s.log.ErrorContext(r.Context(), "statement query failed", "err", err)
	xapihttp.Error(w, r, http.StatusInternalServerError, err)
}
