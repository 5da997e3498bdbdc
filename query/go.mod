module github.com/tributary-lrs/tributary/query

go 1.26.0

require (
	github.com/google/uuid v1.6.0
	github.com/gorilla/mux v1.8.1
	github.com/prometheus/client_golang v1.25.0
	github.com/tributary-lrs/tributary/schemas v0.0.0
)

replace github.com/tributary-lrs/tributary/schemas => ../schemas
