package app

import (
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/query"
)

// Options are the options of the read API from the query.* keys.
func Options(c config.Query) query.Options {
	return query.Options{DefaultLimit: c.DefaultLimit, MaxLimit: c.MaxLimit, Timeout: c.Timeout,
		WatermarkRefresh: c.WatermarkRefresh}
}
