# Tributary build. Needs Go, npm (to fetch libchdb) and git, on linux/amd64
# for the embedded engine; `make test` works on a fresh clone. Every Go
# command runs in workspace mode (go.work).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

MODULES     := schemas platform ingest processor query .
SERVICES    := ingest processor query
CHDB_VERSION ?= 26.5.3
export CHDB_VERSION
LIBCHDB     := $(CURDIR)/.cache/chdb/$(CHDB_VERSION)/libchdb.so
LIBPATH_PKG := github.com/tributary-lrs/tributary/platform/store/chdb/libpath
BUILDINFO_PKG := github.com/tributary-lrs/tributary/internal/buildinfo
# What `tributary version` prints: the nearest tag (else "dev") and the commit,
# marked -dirty when the checkout has uncommitted changes.
VERSION     ?= $(shell git describe --tags --dirty 2>/dev/null || echo dev)
COMMIT      ?= $(shell c=$$(git rev-parse --short=12 HEAD 2>/dev/null) && { git diff --quiet HEAD 2>/dev/null || c="$$c-dirty"; echo "$$c"; } || echo unknown)
TEST_TIMEOUT ?= 15m
TEST_FLAGS  ?=
BENCH       ?= .
# bench-ingest: measured window of each write scenario; extra benchingest flags.
BENCH_DURATION ?= 60s
BENCH_INGEST_FLAGS ?=
# bench-ingest-10m: statements to load before the GET scenarios.
BENCH_FILL  ?= 10000000
# bench-distributed: statements to send through the distributed path.
BENCH_STATEMENTS ?= 200000
GOFLAGS_BUILD ?= -trimpath

# The absolute path of libchdb.so as printed by the installer (which fetches
# it on first use). A shell fragment, expanded at recipe time only, so that
# targets not needing libchdb (lint, clean, docker) never download it.
chdb_lib = "$$(scripts/install-libchdb.sh)"

.PHONY: deps libchdb build run test bench bench-ingest bench-ingest-10m bench-distributed bench-writecost lint vet fmt docker clean

## deps: download the Go modules of every workspace module and libchdb
deps: libchdb
	@echo "== go mod download (the first run fetches ~480 MB of Go modules)"
	@go mod download
	@for m in $(MODULES); do (cd $$m && go mod download); done

libchdb:
	@scripts/install-libchdb.sh >/dev/null

## build: bin/tributary (all roles, embedded chDB) and one binary per service
build: deps
	@mkdir -p bin
	@echo "== go build (the first build compiles every dependency: minutes; later ones take seconds)"
	@lib=$(chdb_lib); \
	ldflags="-X '$(LIBPATH_PKG).Default=$$lib' -X '$(BUILDINFO_PKG).Version=$(VERSION)' -X '$(BUILDINFO_PKG).Commit=$(COMMIT)'"; \
	echo "go build $(GOFLAGS_BUILD) -ldflags \"$$ldflags\" -o bin/tributary ./cmd/tributary"; \
	go build $(GOFLAGS_BUILD) -ldflags "$$ldflags" -o bin/tributary ./cmd/tributary
	@for s in $(SERVICES); do \
		echo "go build $(GOFLAGS_BUILD) -o bin/$$s ./$$s/cmd/$$s"; \
		go build $(GOFLAGS_BUILD) -o bin/$$s ./$$s/cmd/$$s; \
	done

## run: the all-in-one process (every service, embedded ClickHouse, ./data)
run: build
	bin/tributary all

## test: go vet and go test of every module; fails on any failure
# Each module runs even when an earlier one failed, so one run shows every
# failure; the summary lines of go test are repeated at the end.
test: deps
	@mkdir -p .cache/test; rm -f .cache/test/*.log
	@export CHDB_LIB_PATH=$(chdb_lib); echo "CHDB_LIB_PATH=$$CHDB_LIB_PATH"; \
	failed=""; i=0; \
	for m in $(MODULES); do \
		i=$$((i+1)); log=".cache/test/$$i.log"; \
		echo "== $$m: go vet"; \
		(cd $$m && go vet ./...) || failed="$$failed vet:$$m"; \
		echo "== $$m: go test"; \
		(cd $$m && go test -count=1 -timeout $(TEST_TIMEOUT) $(TEST_FLAGS) ./...) 2>&1 | tee "$$log" || failed="$$failed test:$$m"; \
	done; \
	echo; echo "== summary"; \
	grep -hE '^(ok  |FAIL	|panic:|--- FAIL)' .cache/test/*.log || true; \
	if [ -n "$$failed" ]; then echo "== make test: FAILED:$$failed"; exit 1; fi; \
	echo "== make test: all passed"

## bench: benchmarks of every module (no tests)
bench: deps
	@export CHDB_LIB_PATH=$(chdb_lib); status=0; \
	for m in $(MODULES); do \
		echo "== $$m"; \
		(cd $$m && go test -run '^$$' -bench '$(BENCH)' -benchmem -count=1 -timeout 30m ./...) || status=1; \
	done; exit $$status

## bench-memory: peak and after RSS of the all-in-one LRS for 8 concurrent
## POSTs of the maximum body size (10 MiB) of generated statements; fails
## when the peak exceeds 1 GiB (internal/membench)
.PHONY: bench-memory
MEMBENCH_FLAGS ?= -clients 8 -body 10485760 -max-peak 1073741824
bench-memory: build
	go run ./cmd/membench -lrs bin/tributary $(MEMBENCH_FLAGS)

## bench-ingest: the all-in-one binary over HTTP on a fresh store: (a) 8 clients
## × 100 per POST, (b) 64 × 1, (c) 16 clients of GETs by id, (d) idle; one
## table of every figure (BENCH_DURATION=10s for a smoke run)
bench-ingest: build
	@go build -o bin/benchingest ./cmd/benchingest
	bin/benchingest -binary bin/tributary -duration $(BENCH_DURATION) $(BENCH_INGEST_FLAGS)

## bench-ingest-10m: load BENCH_FILL statements (statements/s per million),
## then GET filters idle and during writes, GETs by id, idle lag
bench-ingest-10m: build
	@go build -o bin/benchingest ./cmd/benchingest
	bin/benchingest -binary bin/tributary -duration $(BENCH_DURATION) -fill $(BENCH_FILL) $(BENCH_INGEST_FLAGS)

## bench-distributed: BENCH_STATEMENTS statements through ingest → kfake →
## processor → chDB in one process, 8 clients × 100 per POST
bench-distributed: deps
	@export CHDB_LIB_PATH=$(chdb_lib); \
	go test -run '^$$' -bench '^BenchmarkEndToEnd_Distributed$$' -benchtime $(BENCH_STATEMENTS)x -count=1 -timeout 60m ./internal/e2e

## bench-writecost: CPU per statement of inserting realistic statements and of
## the merges that follow, per table (each table's views removed in turn), with
## the rows, parts and bytes of every table (WRITECOST_FLAGS: writecost -h)
WRITECOST_FLAGS ?= -statements 200000 -batch 5000
bench-writecost: deps
	@export CHDB_LIB_PATH=$(chdb_lib); go run ./cmd/writecost $(WRITECOST_FLAGS)

## lint: gofmt check and go vet of every module
lint: vet
	@unformatted="$$(gofmt -l $$(git ls-files --cached --others --exclude-standard -- '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi; \
	echo "gofmt: ok"

vet:
	@status=0; for m in $(MODULES); do echo "== go vet $$m"; (cd $$m && go vet ./...) || status=1; done; exit $$status

## fmt: rewrite every Go file with gofmt
fmt:
	gofmt -w $$(git ls-files --cached --others --exclude-standard -- '*.go')

## docker: build the images of docker-compose.yml
docker:
	docker compose build

## clean: remove build outputs (keeps .cache/chdb and ./data)
clean:
	rm -rf bin .cache/test
	go clean -testcache
