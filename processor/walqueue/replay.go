package walqueue

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-lrs/tributary/processor/wal"
	"github.com/tributary-lrs/tributary/schemas/envelope"
)

// intentKey is the log metadata key of the batch being inserted: its first
// and last index and its token, written (fsync'd) before the insert starts.
const intentKey = "tributary.intent"

// storedKey is the log metadata key of the last batch stored (as an
// intent), written after its insert returned and before its trim: the log
// is never trimmed of its last record (wal.Log.TrimThrough), so after a
// restart it tells which records at the head of the log are stored.
const storedKey = "tributary.stored"

// intent is a batch of the log: the records first..last, inserted under token.
type intent struct {
	first, last uint64
	token       string
}

func (i intent) String() string { return fmt.Sprintf("%d %d %s", i.first, i.last, i.token) }

func parseIntent(b []byte) (intent, bool) {
	f := strings.SplitN(string(b), " ", 3)
	if len(f) != 3 {
		return intent{}, false
	}
	first, err1 := strconv.ParseUint(f[0], 10, 64)
	last, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || last < first || f[2] == "" {
		return intent{}, false
	}
	return intent{first: first, last: last, token: f[2]}, true
}

// batchToken names the records first..last of the log's epoch.
func batchToken(epoch string, first, last uint64) string {
	return fmt.Sprintf("wal:%s:%d-%d", epoch, first, last)
}

// replay makes every record of the log not stored yet pending, and
// arranges for the batch whose insert may have been cut short (the intent,
// when its records are still in the log) to be inserted first, with exactly
// the same records and token. An intent or stored batch of another epoch
// (a log opened empty since) says nothing about this log's records.
func (q *Queue) replay() error {
	q.epoch = q.wal.Epoch()
	first, last, err := q.wal.Bounds()
	if err != nil {
		return err
	}
	if first == 0 {
		return nil
	}
	if done, ok, err := q.ownBatch(storedKey); err != nil {
		return err
	} else if ok && done.last >= first {
		// Stored; only their trim was cut short (or kept the last record).
		through := min(done.last, last)
		if err := q.wal.TrimThrough(through); err != nil {
			return err
		}
		first = through + 1
	}
	in, ok, err := q.ownBatch(intentKey)
	if err != nil {
		return err
	}
	if ok && in.first >= first && in.last <= last {
		// The drainer inserts in log order: the records before the intent
		// were stored (only their trim was lost).
		if in.first > first {
			if err := q.wal.TrimThrough(in.first - 1); err != nil {
				return err
			}
			first = in.first
		}
		q.redo = &in
	}
	if err := q.adoptRange(q.wal, first, last); err != nil {
		return err
	}
	q.log.Info("write-ahead log replayed", "statements", last+1-first, "first", first, "last", last,
		"redo_batch", q.redo != nil)
	return nil
}

// ownBatch reads the batch recorded under key, if it is one of this log's
// epoch.
func (q *Queue) ownBatch(key string) (intent, bool, error) {
	raw, err := q.wal.GetMeta(key)
	if err != nil {
		return intent{}, false, err
	}
	in, ok := parseIntent(raw)
	return in, ok && in.token == batchToken(q.epoch, in.first, in.last), nil
}

// currentEpoch is the epoch of the open log (unchanged while it holds
// records, which is whenever the drainer has a batch).
func (q *Queue) currentEpoch() string {
	q.walMu.RLock()
	defer q.walMu.RUnlock()
	return q.epoch
}

// adoptTail makes pending the records of l after the last one pending.
func (q *Queue) adoptTail(l *wal.Log) error {
	first, last, err := l.Bounds()
	if err != nil || first == 0 {
		return err
	}
	from := max(first, q.lastIndex+1)
	if from > last {
		return nil
	}
	q.log.Warn("write-ahead log holds records of a failed append; they will be stored", "first", from, "last", last)
	return q.adoptRange(l, from, last)
}

// adoptRange decodes the records first..last of l into pending entries. A
// statement replayed from the log is decoded and validated again by the
// sink (it carries no parsed form); its id counts as chosen by the client.
func (q *Queue) adoptRange(l *wal.Log, first, last uint64) error {
	now := time.Now()
	entries := make([]*entry, 0, last-first+1)
	for i := first; i <= last; i++ {
		rec, err := l.Read(i)
		if err != nil {
			return err
		}
		env, err := envelope.Unmarshal(rec)
		if err != nil {
			return fmt.Errorf("write-ahead log record %d: %w", i, err)
		}
		env.IDSupplied = true
		entries = append(entries, newEntry(i, env, len(rec), now))
	}
	q.pend.add(entries)
	q.lastIndex = last
	q.remember(entries)
	return nil
}
