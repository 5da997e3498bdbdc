package store

import "fmt"

// InUseError is returned by an engine whose data another process has open:
// an embedded store serves one process at a time.
type InUseError struct {
	// Path is the data directory.
	Path string
	// PID is the process holding it, 0 when unknown.
	PID int
}

func (e *InUseError) Error() string {
	owner := "pid unknown"
	if e.PID > 0 {
		owner = fmt.Sprintf("pid %d", e.PID)
	}
	return fmt.Sprintf("the store %s is in use by a running Tributary (%s)", e.Path, owner)
}
