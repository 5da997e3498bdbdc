// Package roles is the entry point of the tributary binary: one binary, any
// role. `tributary` or `tributary all` runs the whole LRS in one process;
// `tributary ingest|processor|query` runs one role; `tributary migrate`
// applies the ClickHouse schema.
package roles

import (
	"context"
	"fmt"
	"io"
	"strings"

	ingestapp "github.com/tributary-lrs/tributary/ingest/app"
	"github.com/tributary-lrs/tributary/internal/allinone"
	"github.com/tributary-lrs/tributary/internal/engine"
	processorapp "github.com/tributary-lrs/tributary/processor/app"
	queryapp "github.com/tributary-lrs/tributary/query/app"
	"github.com/tributary-lrs/tributary/schemas/config"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/svc"
)

const usage = `usage: tributary [all|ingest|processor|query|migrate] [flags]

  all        the whole LRS in one process (default)
  ingest     the xAPI write API, publishing to Kafka
  processor  the Kafka consumer storing statements in ClickHouse
  query      the xAPI read API
  migrate    apply the ClickHouse schema and exit

flags: --config FILE, --config-verify, --http.addr, --data.dir, --set key=value
env:   TRIBUTARY_<KEY> with dots as underscores, e.g. TRIBUTARY_HTTP_ADDR
`

var setups = map[string]svc.Setup{
	config.RoleAll:       allinone.Setup,
	config.RoleIngest:    ingestapp.Setup,
	config.RoleProcessor: processorapp.Setup,
	config.RoleQuery:     queryapp.Setup,
}

// Main runs the binary and returns its exit code.
func Main(args, environ []string, stdout, stderr io.Writer) int {
	role := config.RoleAll
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		role, args = args[0], args[1:]
	}
	switch role {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case config.RoleMigrate:
		return migrate(args, environ, stdout, stderr)
	}
	setup, ok := setups[role]
	if !ok {
		fmt.Fprintf(stderr, "tributary: unknown role %q\n\n%s", role, usage)
		return 2
	}
	return svc.Main(role, args, environ, stdout, stderr, setup)
}

func migrate(args, environ []string, stdout, stderr io.Writer) int {
	cfg, opts, err := config.Load(nil, args, environ)
	if err != nil {
		fmt.Fprintln(stderr, "tributary migrate:", err)
		return 2
	}
	if err := cfg.Validate(config.RoleMigrate); err != nil {
		fmt.Fprintf(stderr, "tributary migrate: invalid configuration:\n%v\n", err)
		return 2
	}
	if opts.Verify {
		fmt.Fprint(stdout, config.Redacted(cfg))
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Shutdown.StepTimeout*6)
	defer cancel()
	eng, err := engine.Open(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tributary migrate:", err)
		return 1
	}
	defer eng.Close()
	applied, err := store.Migrate(ctx, eng, cfg.ClickHouse.Database)
	if err != nil {
		fmt.Fprintln(stderr, "tributary migrate:", err)
		return 1
	}
	fmt.Fprintf(stdout, "database %s: applied %d migration(s) %v; schema at version %d\n",
		cfg.ClickHouse.Database, len(applied), applied, store.LatestVersion())
	return 0
}
