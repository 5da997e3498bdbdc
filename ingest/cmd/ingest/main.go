// Command ingest runs the ingest role of Tributary on its own. It does not include
// the embedded engine: it talks to a ClickHouse server.
package main

import (
	"os"

	"github.com/tributary-lrs/tributary/ingest/app"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/svc"
)

func main() {
	os.Exit(svc.Main(config.RoleIngest, os.Args[1:], os.Environ(), os.Stdout, os.Stderr, app.Setup))
}
