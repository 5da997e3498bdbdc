// Package envelope is the Kafka message contract between ingest and the
// processor.
//
// A message value is one line of JSON metadata, a newline, then the payload:
//
//	{"v":1,"kind":"statement","tenant":"t","id":"…","stored":"…",…}\n<statement JSON bytes>
//
// Statement messages are keyed by statement id, so every copy of an id lands
// on one partition, in order. Heartbeat messages carry no payload: each ingest
// instance writes one to every partition periodically, stating that every
// statement it stored at or before LowWatermark has already been acknowledged
// by Kafka (see schemas/watermark).
package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Version is the envelope format version written by this build. Readers reject
// any other version (the message goes to the dead-letter topic).
const Version = 1

// Kind says what a message carries.
type Kind string

const (
	KindStatement Kind = "statement"
	KindHeartbeat Kind = "heartbeat"
)

// ErrMalformed marks a message that is not a valid envelope. It is never
// retried: the message goes to the dead-letter topic.
var ErrMalformed = errors.New("malformed envelope")

// Envelope is one decoded message.
type Envelope struct {
	V    int  `json:"v"`
	Kind Kind `json:"kind"`

	// Statement messages.
	Tenant string    `json:"tenant,omitempty"`
	ID     uuid.UUID `json:"id,omitzero"`
	// Stored is the statement's stored time, assigned by ingest (UTC, ms).
	Stored time.Time `json:"stored,omitzero"`
	// Authority is the authority object ingest set on the statement.
	Authority json.RawMessage `json:"authority,omitempty"`
	// XAPIVersion is the version negotiated with the client (1.0.3 or 2.0.0).
	XAPIVersion string `json:"xapi_version,omitempty"`
	// ContentHash identifies the statement's content for same-id comparison.
	ContentHash string `json:"content_hash,omitempty"`
	// NoDefine is set when the credential lacked the define scope: the
	// statement is stored but does not update the canonical definitions of
	// its Activities or the names of its Agents (Communication 4.2).
	NoDefine bool `json:"no_define,omitempty"`
	// Statement is the statement exactly as it is to be stored (payload).
	Statement []byte `json:"-"`
	// IDSupplied is set in process when the client chose the statement id
	// (it may already be stored); an id the LRS assigned is new. Never
	// serialized: a consumer reading from Kafka assumes it is set.
	IDSupplied bool `json:"-"`
	// Facts are, in process only (never serialized, like IDSupplied), what
	// the consumer takes from the statement beyond this envelope to store
	// it, computed by a producer that has the statement decoded (all-in-one
	// ingest: processor/sink.Facts), so that it is not decoded and
	// validated again. A compact buffer of a few hundred bytes, not the
	// decoded tree. Nil: the consumer decodes Statement (messages from
	// Kafka, the write-ahead log replayed at a start).
	Facts []byte `json:"-"`

	// Heartbeat messages.
	Instance     string    `json:"instance,omitempty"`
	LowWatermark time.Time `json:"low_watermark,omitzero"`
	// Final is set on the last heartbeat of an instance that shuts down.
	Final bool `json:"final,omitempty"`
}

// Key is the Kafka message key: the statement id, or the instance of a heartbeat.
func (e *Envelope) Key() []byte {
	if e.Kind == KindHeartbeat {
		return []byte("heartbeat/" + e.Instance)
	}
	return []byte(e.ID.String())
}

// Marshal encodes the envelope as a message value.
func (e *Envelope) Marshal() ([]byte, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	meta, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode envelope: %w", err)
	}
	out := make([]byte, 0, len(meta)+1+len(e.Statement))
	out = append(out, meta...)
	out = append(out, '\n')
	return append(out, e.Statement...), nil
}

// Unmarshal decodes a message value. Any problem wraps ErrMalformed.
func Unmarshal(value []byte) (*Envelope, error) {
	meta, payload, ok := bytes.Cut(value, []byte{'\n'})
	if !ok {
		return nil, fmt.Errorf("%w: no metadata line", ErrMalformed)
	}
	var e Envelope
	if err := json.Unmarshal(meta, &e); err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", ErrMalformed, err)
	}
	e.Statement = payload
	if err := e.check(); err != nil {
		return nil, err
	}
	return &e, nil
}

func (e *Envelope) check() error {
	if e.V != Version {
		return fmt.Errorf("%w: version %d, want %d", ErrMalformed, e.V, Version)
	}
	switch e.Kind {
	case KindStatement:
		switch {
		case e.Tenant == "":
			return fmt.Errorf("%w: statement without tenant", ErrMalformed)
		case e.ID == uuid.Nil:
			return fmt.Errorf("%w: statement without id", ErrMalformed)
		case e.Stored.IsZero():
			return fmt.Errorf("%w: statement without stored time", ErrMalformed)
		case len(e.Statement) == 0:
			return fmt.Errorf("%w: statement without payload", ErrMalformed)
		case e.ContentHash == "":
			return fmt.Errorf("%w: statement without content hash", ErrMalformed)
		}
	case KindHeartbeat:
		if e.Instance == "" || e.LowWatermark.IsZero() {
			return fmt.Errorf("%w: heartbeat without instance or low watermark", ErrMalformed)
		}
	default:
		return fmt.Errorf("%w: unknown kind %q", ErrMalformed, e.Kind)
	}
	return nil
}
