package wal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/raft-wal/types"
)

// completeRotation finishes a segment rotation that a crash or a failed
// metadata write cut short, before raft-wal opens the log.
//
// raft-wal seals the tail segment with the append that fills it (an index
// frame written and fsync'd with the records) and then, in the background,
// records the seal and a new tail segment in its metadata. When that record
// is missing (the process was killed in between, or the metadata write
// failed, e.g. on a full disk, after which raft-wal only logs "rotate
// error"), the metadata still names the sealed file as the unsealed tail;
// raft-wal recovers it as a sealed writer, which refuses every append with
// "segment is sealed", across restarts, and never rotates again: the log
// takes no record any more. This records the rotation as raft-wal would have
// (the tail sealed at its index frame, a new tail segment after it), once
// every record reads back the same through the index frame.
func completeRotation(dir string, meta types.MetaStore, files types.SegmentFiler) error {
	state, err := meta.Load(dir)
	if err != nil {
		return fmt.Errorf("wal: read metadata: %w", err)
	}
	if len(state.Segments) == 0 {
		return nil
	}
	tail := state.Segments[len(state.Segments)-1]
	if !tail.SealTime.IsZero() {
		return nil // raft-wal starts a new tail itself
	}
	w, err := files.RecoverTail(tail)
	if errors.Is(err, os.ErrNotExist) {
		return nil // raft-wal creates it
	}
	if err != nil {
		return fmt.Errorf("wal: recover the tail segment: %w", err)
	}
	defer w.Close()
	sealed, indexStart, err := w.Sealed()
	if err != nil || !sealed {
		return err
	}
	now := time.Now()
	info := tail
	info.SealTime, info.MaxIndex, info.IndexStart = now, w.LastIndex(), indexStart
	if err := sameRecords(w, files, info); err != nil {
		return fmt.Errorf("wal: the tail segment %d is sealed but its metadata is not, and it cannot be completed: %w", tail.ID, err)
	}
	next := types.SegmentInfo{ID: state.NextSegmentID, BaseIndex: info.MaxIndex + 1, MinIndex: info.MaxIndex + 1,
		SizeLimit: tail.SizeLimit, Codec: tail.Codec, CreateTime: now}
	state.Segments[len(state.Segments)-1] = info
	state.Segments = append(state.Segments, next)
	state.NextSegmentID++
	if err := meta.CommitState(state); err != nil {
		return fmt.Errorf("wal: record the rotation of the sealed tail segment %d: %w", tail.ID, err)
	}
	return nil
}

// sameRecords checks that the segment read as sealed (through its index
// frame, as info says) holds the records the recovered writer w reads.
func sameRecords(w types.SegmentWriter, files types.SegmentFiler, info types.SegmentInfo) error {
	r, err := files.Open(info)
	if err != nil {
		return err
	}
	defer r.Close()
	for i := max(info.MinIndex, info.BaseIndex); i <= info.MaxIndex; i++ {
		a, err := w.GetLog(i)
		if err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
		b, err := r.GetLog(i)
		if err != nil {
			_ = a.Close()
			return fmt.Errorf("record %d through the index frame: %w", i, err)
		}
		same := bytes.Equal(a.Bs, b.Bs)
		_, _ = a.Close(), b.Close()
		if !same {
			return fmt.Errorf("record %d differs through the index frame", i)
		}
	}
	return nil
}
