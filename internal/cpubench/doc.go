// Package cpubench measures the Go CPU a statement costs on the write path
// of the all-in-one LRS, stage by stage: decode, validate, hash, finalize and
// encode (schemas/xapi), the whole ingest request through the handler chain
// every request passes (svc, xapihttp, auth, ingest/server) with an
// in-memory publisher, and the sink's row building (processor/sink). Its
// benchmarks are the figures of the README performance section:
//
//	go test -run '^$' -bench . -count 10 ./internal/cpubench
//
// Every benchmark reports cpu-ns/stmt: process CPU time (user + system) per
// statement, which other jobs on a shared machine disturb less than wall
// time.
package cpubench
