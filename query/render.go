package query

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/tributary-lrs/tributary/query/definitions"
	"github.com/tributary-lrs/tributary/query/format"
	"github.com/tributary-lrs/tributary/query/statements"
	"github.com/tributary-lrs/tributary/schemas/xapi"
)

// render rewrites stored statements for the format parameter (Communication
// 2.1.3). `exact` returns raws as they are, except a statement stored by an
// older build with a single Activity Object as a contextActivities value,
// which is returned with an array of one (Data 2.4.6.2; new statements are
// stored that way): a byte scan finds the candidates, so the others are not
// decoded. `ids` and `canonical` decode each statement, rewrite it and
// encode it again (compact, keys sorted, numbers as stored). canonical
// reads the canonical definitions of every Activity of the page with one
// query.
func (s *Service) render(ctx context.Context, r *http.Request, tenant, f string, raws [][]byte) ([][]byte, error) {
	if f != statements.FormatIDs && f != statements.FormatCanonical {
		return contextActivitiesAsArrays(raws)
	}
	if len(raws) == 0 {
		return raws, nil
	}
	sts := make([]xapi.Statement, len(raws))
	for i, raw := range raws {
		st, err := xapi.DecodeStatement(raw)
		if err != nil {
			return nil, fmt.Errorf("stored statement does not decode: %w", err)
		}
		xapi.ContextActivitiesAsArrays(st)
		sts[i] = st
	}
	if f == statements.FormatIDs {
		for _, st := range sts {
			format.IDs(st)
		}
	} else {
		defs, err := s.definitions(ctx, tenant, sts)
		if err != nil {
			return nil, err
		}
		lang := format.NewLanguages(r.Header.Get("Accept-Language"))
		for _, st := range sts {
			format.Canonical(st, defs, lang)
		}
	}
	out := make([][]byte, len(sts))
	for i, st := range sts {
		b, err := xapi.Marshal(st)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// contextActivitiesAsArrays returns raws with every statement that has a
// single Activity Object as a contextActivities value re-encoded with an
// array of one; raws itself when there is none.
func contextActivitiesAsArrays(raws [][]byte) ([][]byte, error) {
	var out [][]byte
	for i, raw := range raws {
		if !xapi.MayHaveSingleContextActivity(raw) {
			continue
		}
		st, err := xapi.DecodeStatement(raw)
		if err != nil {
			return nil, fmt.Errorf("stored statement does not decode: %w", err)
		}
		if !xapi.ContextActivitiesAsArrays(st) {
			continue
		}
		b, err := xapi.Marshal(st)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = slices.Clone(raws)
		}
		out[i] = b
	}
	if out == nil {
		return raws, nil
	}
	return out, nil
}

// definitions reads the canonical definition of every Activity in sts.
func (s *Service) definitions(ctx context.Context, tenant string, sts []xapi.Statement) (map[string]string, error) {
	seen := map[string]bool{}
	var ids []string
	for _, st := range sts {
		for _, id := range format.ActivityIDs(st) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	canon, err := definitions.Read(ctx, s.d.Engine, s.d.Database, tenant, ids)
	if err != nil {
		return nil, err
	}
	defs := make(map[string]string, len(canon))
	for id, c := range canon {
		defs[id] = c.JSON
	}
	return defs, nil
}
