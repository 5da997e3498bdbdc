package wal

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
)

// reserveName is a file of reserveSize bytes the log keeps beside its
// segments: a process killed while the disk was full finds no room to open
// its log again (raft-wal writes as it opens), and releasing the reserve
// makes that room.
const (
	reserveName = "reserve"
	reserveSize = 4 << 20
)

// releaseReserve removes the reserve; it reports whether there was one.
func releaseReserve(dir string) bool {
	return os.Remove(filepath.Join(dir, reserveName)) == nil
}

// keepReserve writes the reserve when it is missing or short. It is best
// effort: on a disk without the room it is written at the next open.
func keepReserve(dir string, log *slog.Logger) {
	path := filepath.Join(dir, reserveName)
	if fi, err := os.Stat(path); err == nil && fi.Size() == reserveSize {
		return
	}
	err := writeReserve(path)
	if err != nil {
		_ = os.Remove(path)
		log.Warn("write-ahead log: no room for its reserve yet", "dir", dir, "error", err)
	}
}

func writeReserve(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	// Written, not truncated to size: a sparse file would hold no room.
	_, err = f.Write(make([]byte, reserveSize))
	return errors.Join(err, f.Sync(), f.Close())
}
