package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// VoidingLookup tells which statement ids are stored voiding statements.
type VoidingLookup interface {
	VoidingStatements(ctx context.Context, tenant string, ids []uuid.UUID) (map[uuid.UUID]bool, error)
}

// VoidingStatements implements VoidingLookup with the store's
// store.VoidingStatements.
func (l StoreLookup) VoidingStatements(ctx context.Context, tenant string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	return store.VoidingStatements(ctx, l.Engine, l.Database, tenant, ids)
}

// errVoidingVoiding: a voiding statement cannot be voided (Data 2.3.2).
var errVoidingVoiding = errors.New("a voiding statement cannot itself be voided (Data 2.3.2)")

// voidTarget returns the statement st voids, or uuid.Nil.
func voidTarget(st xapi.Statement) uuid.UUID {
	verb, _ := st["verb"].(map[string]any)
	if id, _ := verb["id"].(string); id != xapi.VerbVoided {
		return uuid.Nil
	}
	obj, _ := st["object"].(map[string]any)
	if t, _ := obj["objectType"].(string); t != "StatementRef" {
		return uuid.Nil
	}
	s, _ := obj["id"].(string)
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil
	}
	return id
}

// voidRef is a voiding statement of a request: its id and its target.
type voidRef struct{ id, target uuid.UUID }

// checkVoiding refuses a voiding statement whose target is a voiding
// statement, in the same request or already stored. Data 2.3.2: "Any
// Statement that voids another cannot itself be voided"; the LRS MAY reject
// such a statement (CTS XAPI-00016), and this one does, with 400. A voiding
// statement whose target is unknown is accepted (SHOULD NOT* reject in 1.0.3,
// shall not in 2.0). A rule violation wraps errVoidingVoiding; any other
// error is a failed lookup.
func (s *Server) checkVoiding(ctx context.Context, tenant string, refs []voidRef) error {
	if len(refs) == 0 {
		return nil
	}
	voiding := make(map[uuid.UUID]bool, len(refs))
	for _, v := range refs {
		voiding[v.id] = true
	}
	ask := make([]uuid.UUID, 0, len(refs))
	for _, v := range refs {
		if voiding[v.target] {
			return fmt.Errorf("%w: the target %s is a voiding statement of the same request", errVoidingVoiding, v.target)
		}
		ask = append(ask, v.target)
	}
	if s.d.Voiding == nil {
		return nil
	}
	known, err := s.d.Voiding.VoidingStatements(ctx, tenant, ask)
	if err != nil {
		return err
	}
	for _, t := range ask {
		if known[t] {
			return fmt.Errorf("%w: the target %s is a stored voiding statement", errVoidingVoiding, t)
		}
	}
	return nil
}
