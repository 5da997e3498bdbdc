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
	"github.com/tributary-lrs/tributary/schemas/auth"
	"github.com/tributary-lrs/tributary/schemas/auth/admin"
	"github.com/tributary-lrs/tributary/schemas/config"
	"github.com/tributary-lrs/tributary/schemas/store"
	"github.com/tributary-lrs/tributary/schemas/svc"
)

const usage = `usage: tributary [all|ingest|processor|query|migrate] [flags]
       tributary credentials create|list|revoke ...
       tributary tenants create|list ...

  all          the whole LRS in one process (default)
  ingest       the xAPI write API, publishing to Kafka
  processor    the Kafka consumer storing statements in ClickHouse
  query        the xAPI read API
  migrate      apply the ClickHouse schema and exit
  credentials  manage credentials (secrets are shown once, at creation)
  tenants      manage tenants
  The credentials and tenants commands take their configuration from the
  environment (TRIBUTARY_*); with the embedded engine, stop 'tributary all'
  first or use its admin API.

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
	case "credentials", "tenants":
		return manage(role, args, environ, stdout, stderr)
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

// manage runs the credentials and tenants commands on the configured store
// (configuration from the environment only: the arguments are the
// command's).
func manage(cmd string, args, environ []string, stdout, stderr io.Writer) int {
	cfg, _, err := config.Load(nil, nil, environ)
	if err != nil {
		fmt.Fprintln(stderr, "tributary "+cmd+":", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Shutdown.StepTimeout*6)
	defer cancel()
	eng, err := engine.Open(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tributary "+cmd+":", err)
		return 1
	}
	defer eng.Close()
	if err := store.CheckSchema(ctx, eng, cfg.ClickHouse.Database); err != nil {
		fmt.Fprintln(stderr, "tributary "+cmd+":", err)
		return 1
	}
	st := auth.NewStore(eng, cfg.ClickHouse.Database)
	if cmd == "tenants" {
		return admin.Tenants(args, stdout, stderr, st)
	}
	return admin.Credentials(args, stdout, stderr, st)
}
