//go:build !(linux || darwin || freebsd)

package walqueue

import "errors"

// availableBytes cannot read the free space here: the disk check passes.
func availableBytes(string) (uint64, error) {
	return 0, errors.New("free disk space unknown on this system")
}
