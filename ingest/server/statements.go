package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
	"github.com/tributary-lrs/tributary/schemas/xapihttp"
)

var (
	errQueryParams = errors.New("unexpected query parameters")
	errStatementID = errors.New("statementId")
)

// post stores one statement or an array (Communication 2.1.2) and answers
// 200 with their ids in order.
func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.RawQuery) > 0 {
		xapihttp.Error(w, r, http.StatusBadRequest, fmt.Errorf("%w on POST /xapi/statements: %q", errQueryParams, r.URL.RawQuery))
		return
	}
	body, ok := s.readStatementsBody(w, r)
	if !ok {
		return
	}
	stmts, batch, err := xapi.DecodeStatements(body.JSON)
	if err != nil {
		s.metrics.statements.WithLabelValues("invalid").Inc()
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return
	}
	v := xapihttp.VersionFrom(r.Context())
	validate := xapi.ValidateBatch
	if !batch {
		validate = func(v xapi.Version, stmts []xapi.Statement) error { return xapi.Validate(v, stmts[0]) }
	}
	if err := validate(v, stmts); err != nil {
		s.metrics.statements.WithLabelValues("invalid").Add(float64(len(stmts)))
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return
	}
	atts, ok := s.check(w, r, stmts, body)
	if !ok {
		return
	}
	ids, ok := s.store(w, r, v, stmts, atts)
	if !ok {
		return
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	xapihttp.JSON(w, http.StatusOK, out)
}

// put stores one statement under the statementId parameter (Communication
// 2.1.1) and answers 204.
func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	raw := q.Get("statementId")
	if len(q) != 1 || raw == "" {
		xapihttp.Error(w, r, http.StatusBadRequest,
			fmt.Errorf("%w: PUT /xapi/statements takes exactly one parameter, statementId", errQueryParams))
		return
	}
	id, err := uuid.Parse(raw)
	if err != nil || len(raw) != 36 {
		xapihttp.Error(w, r, http.StatusBadRequest, fmt.Errorf("%w %q is not a UUID", errStatementID, raw))
		return
	}
	body, ok := s.readStatementsBody(w, r)
	if !ok {
		return
	}
	st, err := xapi.DecodeStatement(body.JSON)
	if err != nil {
		s.metrics.statements.WithLabelValues("invalid").Inc()
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return
	}
	if got, present := st["id"]; present {
		gs, _ := got.(string)
		if gid, err := uuid.Parse(gs); err != nil || gid != id {
			xapihttp.Error(w, r, http.StatusBadRequest,
				fmt.Errorf("the statement's id %v does not match the statementId parameter %s", got, raw))
			return
		}
	}
	st["id"] = id.String()
	v := xapihttp.VersionFrom(r.Context())
	if err := xapi.Validate(v, st); err != nil {
		s.metrics.statements.WithLabelValues("invalid").Inc()
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return
	}
	stmts := []xapi.Statement{st}
	atts, ok := s.check(w, r, stmts, body)
	if !ok {
		return
	}
	if _, ok := s.store(w, r, v, stmts, atts); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// check applies the rules that span the request beyond one statement's
// validity: attachments and their parts, signatures (Data 2.6) and voiding
// (Data 2.3.2). It returns the attachment data to store, or writes the error
// response itself and returns ok=false.
func (s *Server) check(w http.ResponseWriter, r *http.Request, stmts []xapi.Statement, body *statementsBody) ([]store.Attachment, bool) {
	atts, err := checkAttachments(stmts, body)
	if err != nil {
		s.metrics.statements.WithLabelValues("invalid").Add(float64(len(stmts)))
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return nil, false
	}
	p, _ := xapihttp.PrincipalFrom(r.Context())
	if err := s.checkVoiding(r.Context(), p.Tenant, stmts); err != nil {
		if errors.Is(err, errVoidingVoiding) {
			s.metrics.statements.WithLabelValues("invalid").Add(float64(len(stmts)))
			xapihttp.Error(w, r, http.StatusBadRequest, err)
		} else {
			s.fail(w, r, len(stmts), err)
		}
		return nil, false
	}
	return atts, true
}

// store assigns the LRS-set properties, drops statements already stored with
// the same content, refuses the request with 409 if one is stored with
// different content, stores the attachment data atts, and publishes the
// rest. It writes the error response itself and returns ok=false on failure.
func (s *Server) store(w http.ResponseWriter, r *http.Request, v xapi.Version, stmts []xapi.Statement, atts []store.Attachment) ([]uuid.UUID, bool) {
	ctx := r.Context()
	p, _ := xapihttp.PrincipalFrom(ctx)
	authority, err := authorityJSON(p)
	if err != nil {
		xapihttp.Error(w, r, http.StatusInternalServerError, err)
		return nil, false
	}
	ids := make([]uuid.UUID, len(stmts))
	hashes := make([]string, len(stmts))
	var supplied []int // statements whose id came from the client: they may be known already
	isSupplied := make([]bool, len(stmts))
	for i, st := range stmts {
		if raw, ok := st["id"].(string); ok {
			ids[i] = uuid.MustParse(raw) // validated
			supplied = append(supplied, i)
			isSupplied[i] = true
		} else {
			ids[i] = uuid.New()
		}
		st["id"] = ids[i].String() // canonical lower-case form, as the envelope carries it
		hashes[i] = xapi.ContentHash(st)
	}
	known, err := s.known(ctx, p.Tenant, ids, hashes, supplied)
	if err != nil {
		s.fail(w, r, len(stmts), err)
		return nil, false
	}
	if len(atts) > 0 && slices.Contains(known, false) {
		// Before publishing: an acknowledged statement never lacks its data.
		if err := s.d.Attachments.InsertAttachments(ctx, p.Tenant, time.Now(), atts); err != nil {
			s.fail(w, r, len(stmts), fmt.Errorf("store attachments: %w", err))
			return nil, false
		}
	}

	stored, done := s.d.Tracker.Begin(len(stmts))
	// settled: whatever this request publishes is known to be written or
	// known not to be. A publish that failed or timed out may still reach
	// Kafka: then the statements stay in flight a while, so the watermark
	// never passes them.
	settled := false
	defer func() {
		if settled {
			done()
			return
		}
		time.AfterFunc(s.d.Config.PublishTimeout, done)
	}()
	envs := make([]*envelope.Envelope, 0, len(stmts))
	for i, st := range stmts {
		if known[i] {
			continue
		}
		if _, err := xapi.Finalize(st, v, stored, p.Authority); err != nil {
			xapihttp.Error(w, r, http.StatusBadRequest, err)
			return nil, false
		}
		raw, err := xapi.Marshal(st)
		if err != nil {
			xapihttp.Error(w, r, http.StatusBadRequest, err)
			return nil, false
		}
		envs = append(envs, &envelope.Envelope{V: envelope.Version, Kind: envelope.KindStatement, Tenant: p.Tenant,
			ID: ids[i], Stored: stored, Authority: authority, XAPIVersion: string(v), ContentHash: hashes[i], Statement: raw, Parsed: st,
			NoDefine: !p.Can(xapihttp.ScopeDefine), IDSupplied: isSupplied[i]})
	}
	start := time.Now()
	if err := s.d.Publisher.Publish(ctx, envs); err != nil {
		// A conflict is decided before anything is written.
		settled = errors.Is(err, store.ErrConflict)
		s.fail(w, r, len(envs), err)
		return nil, false
	}
	settled = true
	s.metrics.publish.Observe(since(start))
	for _, e := range envs {
		s.recent.add(store.StatementKey{Tenant: e.Tenant, ID: e.ID}, e.ContentHash)
	}
	s.metrics.statements.WithLabelValues("published").Add(float64(len(envs)))
	s.metrics.statements.WithLabelValues("unchanged").Add(float64(len(stmts) - len(envs)))
	return ids, true
}

// known reports, per statement, whether the same statement is already stored
// (nothing to do). A different statement under one of the ids is a conflict.
func (s *Server) known(ctx context.Context, tenant string, ids []uuid.UUID, hashes []string, supplied []int) ([]bool, error) {
	known := make([]bool, len(ids))
	var ask []store.StatementKey
	for _, i := range supplied {
		k := store.StatementKey{Tenant: tenant, ID: ids[i]}
		if h, ok := s.recent.get(k); ok {
			if h != hashes[i] {
				return nil, fmt.Errorf("statement %s: %w", ids[i], store.ErrConflict)
			}
			known[i] = true
			continue
		}
		ask = append(ask, k)
	}
	if len(ask) == 0 || s.d.Lookup == nil {
		return known, nil
	}
	stored, err := s.d.Lookup.ContentHashes(ctx, ask)
	if err != nil {
		return nil, fmt.Errorf("check statement ids: %w", err)
	}
	for _, i := range supplied {
		h, ok := stored[store.StatementKey{Tenant: tenant, ID: ids[i]}]
		switch {
		case !ok:
		case h != hashes[i]:
			return nil, fmt.Errorf("statement %s: %w", ids[i], store.ErrConflict)
		default:
			known[i] = true
		}
	}
	return known, nil
}

// fail answers a failed store: 409 for a conflict, 503 with Retry-After when
// the broker or store cannot take the statements (nothing was acknowledged).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, n int, err error) {
	switch {
	case errors.Is(err, store.ErrConflict):
		s.metrics.statements.WithLabelValues("conflict").Add(float64(n))
		xapihttp.Error(w, r, http.StatusConflict, err)
	case errors.Is(err, publish.ErrTooLarge):
		s.metrics.statements.WithLabelValues("invalid").Add(float64(n))
		xapihttp.Error(w, r, http.StatusRequestEntityTooLarge, err)
	case errors.Is(err, publish.ErrUnavailable), store.IsTransient(err),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		s.metrics.statements.WithLabelValues("unavailable").Add(float64(n))
		xapihttp.Unavailable(w, r, s.d.Config.RetryAfter, err)
	default:
		s.metrics.statements.WithLabelValues("unavailable").Add(float64(n))
		xapihttp.Unavailable(w, r, s.d.Config.RetryAfter, fmt.Errorf("store statements: %w", err))
	}
}
