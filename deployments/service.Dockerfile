# syntax=docker/dockerfile:1
# One image per Go command of the workspace, chosen with --build-arg PKG:
#   ./ingest/cmd/ingest  ./processor/cmd/processor  ./query/cmd/query
#   ./cmd/tributary (used for `tributary migrate`)
# Static binaries without cgo, built with -tags nochdb: they talk to a
# ClickHouse server and leave the embedded engine out (libchdb.so is not in the
# image; `tributary all` with clickhouse.engine=chdb says so and exits).
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local
# Module files first, so the download layer is cached across source changes.
COPY go.work go.work.sum* go.mod go.sum* ./
COPY schemas/go.mod schemas/go.sum* schemas/
COPY platform/go.mod platform/go.sum* platform/
COPY ingest/go.mod ingest/go.sum* ingest/
COPY processor/go.mod processor/go.sum* processor/
COPY query/go.mod query/go.sum* query/
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG PKG
RUN test -n "${PKG}" || { echo "build arg PKG is required" >&2; exit 1; }
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -tags nochdb -trimpath -ldflags "-s -w" -o /out/app "${PKG}"

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /usr/local/bin/app
USER nonroot:nonroot
# 8080: the xAPI (http.addr); 8081: admin API and /metrics (http.admin_addr).
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/app"]
