// Package roles is the entry point of the tributary binary: one binary, any
// role. `tributary` or `tributary all` runs the whole LRS in one process;
// `tributary ingest|processor|query` runs one role; `tributary migrate`
// applies the ClickHouse schema; `tributary version` says which build runs.
// Only the commands that open an embedded store load libchdb.
package roles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	ingestapp "github.com/tributary-lrs/tributary/ingest/app"
	"github.com/tributary-lrs/tributary/internal/allinone"
	"github.com/tributary-lrs/tributary/internal/engine"
	"github.com/tributary-lrs/tributary/platform/auth"
	"github.com/tributary-lrs/tributary/platform/auth/admin"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/svc"
	processorapp "github.com/tributary-lrs/tributary/processor/app"
	queryapp "github.com/tributary-lrs/tributary/query/app"
	"github.com/tributary-lrs/tributary/schemas/store"
)

const usage = `usage: tributary [all|ingest|processor|query|migrate] [flags]
       tributary credentials create|list|revoke ...
       tributary tenants create|list ...
       tributary version

  all          the whole LRS in one process (default)
  ingest       the xAPI write API, publishing to Kafka
  processor    the Kafka consumer storing statements in ClickHouse
  query        the xAPI read API
  migrate      apply the ClickHouse schema and exit
  credentials  manage credentials (secrets are shown once, at creation)
  tenants      manage tenants
  version      print the version, commit, Go and chDB versions
  The credentials and tenants commands take their configuration from the
  environment (TRIBUTARY_*); with the embedded engine, stop 'tributary all'
  first or use its admin API.

flags: --config FILE, --config-verify, --http.addr, --http.admin_addr, --data.dir,
       --log.level, --set key=value
       (tributary ROLE --help lists them)
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
	if len(args) > 0 {
		switch {
		case isHelp(args[0]): // the commands; `tributary all --help` lists the flags
			role, args = "help", args[1:]
		case args[0] == "--version":
			role, args = "version", args[1:]
		case !strings.HasPrefix(args[0], "-"):
			role, args = args[0], args[1:]
		}
	}
	switch role {
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version":
		return printVersion(stdout)
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

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "help" }

const migrateUsage = `usage: tributary migrate [flags]

Applies the ClickHouse schema (versioned migrations) and exits; with the
embedded engine, to the store under data.dir.

flags:
`

func migrate(args, environ []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("migrate", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	cfg, opts, err := config.Load(fs, args, environ)
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprint(stdout, migrateUsage+fs.FlagUsages())
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "tributary migrate:", err)
		return 2
	}
	if err := cfg.Validate(config.RoleMigrate); err != nil {
		fmt.Fprintf(stderr, "tributary migrate: invalid configuration:\n%v\n", err)
		return 2
	}
	if opts.Verify {
		fmt.Fprint(stdout, config.VerifyReport(cfg, opts, config.RoleMigrate), config.Redacted(cfg))
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Shutdown.StepTimeout*6)
	defer cancel()
	eng, err := engine.Open(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tributary migrate:", explain(err, "stop it first: it applies the migrations itself at start"))
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
// command's). Usage and help need no store.
func manage(cmd string, args, environ []string, stdout, stderr io.Writer) int {
	run := admin.Credentials
	if cmd == "tenants" {
		run = admin.Tenants
	}
	if len(args) == 0 {
		return run(args, stdout, stderr, nil) // prints the usage
	}
	if slices.ContainsFunc(args, isHelp) {
		return run([]string{"--help"}, stdout, stderr, nil)
	}
	cfg, _, err := config.Load(nil, nil, environ)
	if err != nil {
		fmt.Fprintln(stderr, "tributary "+cmd+":", err)
		return 2
	}
	if cfg.ClickHouse.Engine == config.EngineChDB && !engine.StoreExists(cfg) {
		dir, _ := filepath.Abs(cfg.Data.Dir)
		fmt.Fprintf(stderr, "tributary %s: no store in %s: run it where `tributary all` keeps its data, or set %s\n",
			cmd, dir, config.EnvName("data.dir"))
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Shutdown.StepTimeout*6)
	defer cancel()
	eng, err := engine.Open(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tributary "+cmd+":", explain(err, "stop it or use the admin API"))
		return 1
	}
	defer eng.Close()
	if err := store.CheckSchema(ctx, eng, cfg.ClickHouse.Database); err != nil {
		fmt.Fprintln(stderr, "tributary "+cmd+":", err)
		return 1
	}
	return run(args, stdout, stderr, auth.NewStore(eng, cfg.ClickHouse.Database))
}

// explain turns a store held by a running Tributary into what to do about
// it; other errors are returned as they are.
func explain(err error, advice string) string {
	var inUse *store.InUseError
	if errors.As(err, &inUse) {
		return inUse.Error() + ": " + advice
	}
	return err.Error()
}
