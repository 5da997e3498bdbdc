package xapihttp

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine they started is still
// running after the last one: every goroutine the package starts must end
// with what started it (Close, Stop, a cancelled context).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
