package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/ingest/publish"
	"github.com/tributary-lrs/tributary/platform/xapihttp"
	"github.com/tributary-lrs/tributary/schemas/envelope"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
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
	dec, err := xapi.NewStatementDecoder(body.JSON)
	if err != nil {
		s.metrics.statements.WithLabelValues("invalid").Inc()
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return
	}
	ids, ok := s.ingest(w, r, body, dec.Next, dec.Batch())
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
	if _, ok := s.ingest(w, r, body, one(st), false); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// one returns st once, then io.EOF.
func one(st xapi.Statement) func() (xapi.Statement, error) {
	return func() (xapi.Statement, error) {
		if st == nil {
			return nil, io.EOF
		}
		out := st
		st = nil
		return out, nil
	}
}

// ingest prepares the statements next returns under one stored time,
// checks the rules that span the request (voiding, Data 2.3.2), and stores
// them. It returns the ids of every statement in order, or writes the error
// response itself and returns ok=false.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, body *statementsBody, next func() (xapi.Statement, error), batch bool) ([]uuid.UUID, bool) {
	// The stored time is taken before the statements are finalized with
	// it, so it holds the low watermark from here until the publish
	// returned.
	flight := s.d.Tracker.Start()
	mayBePublished := false
	defer func() {
		if mayBePublished {
			// A publish that failed or timed out may still reach Kafka: keep
			// the statements in flight a while so the watermark never passes
			// them.
			time.AfterFunc(s.d.Options.PublishTimeout, flight.Done)
			return
		}
		flight.Done()
	}()
	prep, err := s.prepare(r, next, batch, body, flight.Stored())
	if err != nil {
		s.metrics.statements.WithLabelValues("invalid").Add(float64(prep.n))
		xapihttp.Error(w, r, http.StatusBadRequest, err)
		return nil, false
	}
	flight.Add(len(prep.ids))
	p, _ := xapihttp.PrincipalFrom(r.Context())
	if err := s.checkVoiding(r.Context(), p.Tenant, prep.voiding); err != nil {
		if errors.Is(err, errVoidingVoiding) {
			s.metrics.statements.WithLabelValues("invalid").Add(float64(prep.n))
			xapihttp.Error(w, r, http.StatusBadRequest, err)
		} else {
			s.fail(w, r, prep.n, err)
		}
		return nil, false
	}
	ok, publishFailed := s.store(w, r, prep)
	if !ok {
		mayBePublished = publishFailed
		return nil, false
	}
	return prep.ids, true
}

// store drops statements already stored with the same content, refuses the
// request with 409 if one is stored with different content, stores the
// attachment data, and publishes the rest. It writes the error response
// itself and returns ok=false on failure, with publishFailed when the
// failure was the publish itself.
func (s *Server) store(w http.ResponseWriter, r *http.Request, prep *prepared) (ok, publishFailed bool) {
	ctx := r.Context()
	p, _ := xapihttp.PrincipalFrom(ctx)
	authority, err := s.authorityJSON(p)
	if err != nil {
		xapihttp.Error(w, r, http.StatusInternalServerError, err)
		return false, false
	}
	known, err := s.known(ctx, p.Tenant, prep.ids, prep.hashes, prep.supplied)
	if err != nil {
		s.fail(w, r, len(prep.ids), err)
		return false, false
	}
	if len(prep.atts) > 0 && slices.Contains(known, false) {
		// Before publishing: an acknowledged statement never lacks its data.
		if err := s.d.Attachments.InsertAttachments(ctx, p.Tenant, time.Now(), prep.atts); err != nil {
			s.fail(w, r, len(prep.ids), fmt.Errorf("store attachments: %w", err))
			return false, false
		}
	}
	v := xapihttp.VersionFrom(ctx)
	supplied := make(map[int]bool, len(prep.supplied))
	for _, i := range prep.supplied {
		supplied[i] = true
	}
	envs := make([]*envelope.Envelope, 0, len(prep.ids))
	for i, id := range prep.ids {
		if known[i] {
			continue
		}
		envs = append(envs, &envelope.Envelope{V: envelope.Version, Kind: envelope.KindStatement, Tenant: p.Tenant,
			ID: id, Stored: prep.stored, Authority: authority, XAPIVersion: string(v), ContentHash: prep.hashes[i],
			Statement: prep.raws[i], NoDefine: !p.Can(xapihttp.ScopeDefine), IDSupplied: supplied[i]})
		if prep.facts != nil {
			envs[len(envs)-1].Facts = prep.facts[i]
		}
	}
	prep.raws, prep.facts = nil, nil // the envelopes hold them now
	start := time.Now()
	if err := s.d.Publisher.Publish(ctx, envs); err != nil {
		s.fail(w, r, len(envs), err)
		// A conflict is decided before anything is written, and a write
		// the publisher says it did not write cannot arrive later.
		return false, !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotWritten)
	}
	s.metrics.publish.Observe(since(start))
	for _, e := range envs {
		s.recent.add(store.StatementKey{Tenant: e.Tenant, ID: e.ID}, e.ContentHash)
	}
	s.metrics.published.Add(float64(len(envs)))
	s.metrics.unchanged.Add(float64(len(prep.ids) - len(envs)))
	return true, false
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
		xapihttp.Unavailable(w, r, s.d.Options.RetryAfter, err)
	default:
		s.metrics.statements.WithLabelValues("unavailable").Add(float64(n))
		xapihttp.Unavailable(w, r, s.d.Options.RetryAfter, fmt.Errorf("store statements: %w", err))
	}
}
