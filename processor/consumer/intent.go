package consumer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/segmentio/kafka-go"

	"github.com/tributary-lrs/tributary/schemas/watermark"
)

// Intent is a batch a member is about to store: its deduplication token and
// the offsets it holds in every partition. The member records it in the
// progress row of each of those partitions before the insert, and the
// progress write after the insert clears it. A member that then reads one of
// those partitions from an offset the intent covers (its predecessor stopped
// mid-batch: kill -9, a rebalance) rebuilds the batch from Kafka and stores
// it again, exactly as it was: the same messages in the same order under the
// same token, so the insert completes the tables the first attempt missed
// and repeats nothing.
type Intent struct {
	Token string `json:"token"`
	Spans []Span `json:"spans"`
}

// Span is the offsets of one partition in a batch, first and last included.
type Span struct {
	Partition int   `json:"partition"`
	First     int64 `json:"first"`
	Last      int64 `json:"last"`
}

// Saved is the persisted progress of one partition: its watermark state and
// the intent of the batch being stored, nil when none is.
type Saved struct {
	State  *watermark.Partition
	Intent *Intent
}

// pending reports whether the batch of the intent holds offsets of partition
// at or after offset, the first one a member was given to read: offsets the
// group has not committed, so the batch may be incomplete.
func (in *Intent) pending(partition int, offset int64) bool {
	for _, s := range in.Spans {
		if s.Partition == partition {
			return s.Last >= offset
		}
	}
	return false
}

// canonical returns the batch in its one order: by partition, then offset,
// with a message fetched twice (a rebalance handing back a partition within
// one fetch) kept once. A batch rebuilt from its intent comes out in the same
// order, and the sink, which keeps the first of two envelopes with one id
// and judges conflicts in order, then stores the same rows.
func canonical(msgs []kafka.Message) []kafka.Message {
	out := slices.Clone(msgs)
	slices.SortStableFunc(out, func(a, b kafka.Message) int {
		return cmp.Or(cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.Offset, b.Offset))
	})
	return slices.CompactFunc(out, func(a, b kafka.Message) bool {
		return a.Partition == b.Partition && a.Offset == b.Offset
	})
}

// intentOf names a canonical batch: each partition's first and last offset,
// and the token "kafka:TOPIC:P@FIRST-LAST:…" built from them, the same for
// every copy of the same messages.
func intentOf(topic string, msgs []kafka.Message) Intent {
	var in Intent
	for _, m := range msgs {
		if n := len(in.Spans); n > 0 && in.Spans[n-1].Partition == m.Partition {
			in.Spans[n-1].Last = m.Offset
			continue
		}
		in.Spans = append(in.Spans, Span{Partition: m.Partition, First: m.Offset, Last: m.Offset})
	}
	var b strings.Builder
	b.WriteString("kafka:" + topic)
	for _, s := range in.Spans {
		fmt.Fprintf(&b, ":%d@%d-%d", s.Partition, s.First, s.Last)
	}
	in.Token = b.String()
	return in
}
