module github.com/tributary-lrs/tributary

go 1.26

require (
	github.com/tributary-lrs/tributary/ingest v0.0.0
	github.com/tributary-lrs/tributary/processor v0.0.0
	github.com/tributary-lrs/tributary/query v0.0.0
	github.com/tributary-lrs/tributary/schemas v0.0.0
)

replace (
	github.com/tributary-lrs/tributary/ingest => ./ingest
	github.com/tributary-lrs/tributary/processor => ./processor
	github.com/tributary-lrs/tributary/query => ./query
	github.com/tributary-lrs/tributary/schemas => ./schemas
)
