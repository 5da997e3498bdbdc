package app

import (
	"context"

	"github.com/gorilla/mux"

	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/query"
	"github.com/tributary-lrs/tributary/query/documents"
	"github.com/tributary-lrs/tributary/query/resources"
)

// ReadAPI builds the read API of every mode and mounts it on r: the
// Statement resource (the service of d, completed with the cursor keys and
// the options of the query.* keys c), the Agents and Activities resources
// and the Document resources, all on d's engine, database, authentication
// and log. The Statement resource service is returned: its
// ConsistentThrough wraps the handler the role serves.
func ReadAPI(ctx context.Context, c config.Query, d query.Deps, r *mux.Router) (*query.Service, error) {
	keys, err := query.CursorKeys(ctx, c.CursorSecret, d.Engine, d.Database)
	if err != nil {
		return nil, err
	}
	d.CursorKeys, d.Options = keys, Options(c)
	q, err := query.New(d)
	if err != nil {
		return nil, err
	}
	res, err := resources.New(resources.Deps{Engine: d.Engine, Database: d.Database, Auth: d.Auth, Log: d.Log})
	if err != nil {
		return nil, err
	}
	docs, err := documents.New(documents.Deps{Engine: d.Engine, Database: d.Database, Auth: d.Auth,
		MaxBytes: c.MaxDocumentBytes, Log: d.Log})
	if err != nil {
		return nil, err
	}
	q.Routes(r)
	res.Routes(r)
	docs.Routes(r)
	return q, nil
}
