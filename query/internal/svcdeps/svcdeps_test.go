package svcdeps

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/tributary-lrs/tributary/platform/xapihttp"
)

func TestMissing_NamesEachMissingDependency(t *testing.T) {
	got := errors.Join(Missing("documents", nil, "", nil)...)
	want := "documents: Engine is required\ndocuments: Database is required\ndocuments: Auth is required"
	if got == nil || got.Error() != want {
		t.Fatalf("Missing = %v, want %q", got, want)
	}
	var auth xapihttp.Authenticator = xapihttp.NewStatic("k", "s", "t", "http://lrs")
	if errs := Missing("documents", nil, "db", auth); len(errs) != 1 || errs[0].Error() != "documents: Engine is required" {
		t.Fatalf("Missing with only the engine missing = %v", errs)
	}
}

func TestLogger_NilDiscards(t *testing.T) {
	if Logger(nil) == nil {
		t.Fatal("Logger(nil) is nil")
	}
	l := slog.New(slog.DiscardHandler)
	if Logger(l) != l {
		t.Fatal("Logger(l) is not l")
	}
}
