package durability

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// tmpfs mounts a tmpfs of size bytes on a new directory and unmounts it at
// the end of the test; it skips the test when mounting is not permitted
// (not root, no CAP_SYS_ADMIN, a container without mount rights).
func tmpfs(t *testing.T, size int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tmpfs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, fmt.Sprintf("size=%d", size)); err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			t.Skipf("needs a small file system to fill: mounting a tmpfs is not permitted here (%v); run as root or with CAP_SYS_ADMIN", err)
		}
		t.Fatalf("mount a tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// free returns the bytes available on the file system of dir.
func free(t *testing.T, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * st.Bsize
}

// fill writes a new file in dir that leaves about leave bytes of the file
// system free (tmpfs allocates as written, so the space is taken at once),
// and returns its path.
func fill(t *testing.T, dir string, leave int64) string {
	t.Helper()
	f, err := os.CreateTemp(dir, "filler-*")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for free(t, dir) > leave {
		n := min(int64(len(chunk)), free(t, dir)-leave)
		if _, err := f.Write(chunk[:n]); err != nil {
			break // full already
		}
	}
	return f.Name()
}
