package admin

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tributary-lrs/tributary/platform/auth"
)

// CLITimeout bounds one CLI command against the store.
var CLITimeout = 30 * time.Second

const credentialsUsage = `usage: tributary credentials create --tenant T --scopes S1,S2 [--name N] [--json]
       tributary credentials list [--tenant T] [--json]
       tributary credentials revoke KEY

scopes: ` + "statements/write, statements/read, statements/read/mine, all/read, all, state, profile, define, attachments" + `
The secret is printed once, by create; it cannot be shown again.
`

const tenantsUsage = `usage: tributary tenants create NAME   (or --name NAME)
       tributary tenants list [--json]
`

// Credentials runs `tributary credentials create|list|revoke` (args without
// the word "credentials") and returns the exit code: 0 done, 1 failed, 2 usage.
func Credentials(args []string, stdout, stderr io.Writer, st *auth.Store) int {
	c := cli{group: "credentials", usage: credentialsUsage, stdout: stdout, stderr: stderr}
	cmd, fs, args, code := c.command(args, "create", "list", "revoke")
	if fs == nil {
		return code
	}
	tenant := fs.String("tenant", "", "tenant of the credential")
	scopes := fs.String("scopes", "", "comma-separated xAPI scopes")
	name := fs.String("name", "", "a label for the credential")
	key := fs.String("key", "", "the credential key (revoke)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), CLITimeout)
	defer cancel()
	switch cmd {
	case "create":
		if *tenant == "" || *scopes == "" {
			return c.misused(cmd, "--tenant and --scopes are required")
		}
		sc, err := auth.ParseScopes(*scopes)
		if err != nil {
			return c.failed(cmd, err, 2)
		}
		cr, secret, err := st.CreateCredential(ctx, auth.NewCredential{Tenant: *tenant, Scopes: sc, Name: *name})
		if err != nil {
			return c.failed(cmd, err, 1)
		}
		if *asJSON {
			return printJSON(stdout, stderr, Created{Credential: cr, Secret: secret})
		}
		fmt.Fprintf(stdout, "tenant: %s\nkey:    %s\nsecret: %s\nscopes: %s\n", cr.Tenant, cr.Key, secret, strings.Join(cr.Scopes, ","))
		fmt.Fprintln(stderr, "The secret is shown only now: store it safely.")
		return 0
	case "list":
		cs, err := st.ListCredentials(ctx, *tenant)
		if err != nil {
			return c.failed(cmd, err, 1)
		}
		return c.list(*asJSON, cs, "TENANT\tKEY\tNAME\tSCOPES\tCREATED\tREVOKED", func(tw io.Writer) {
			for _, cr := range cs {
				revoked := "-"
				if cr.IsRevoked() {
					revoked = cr.Revoked.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cr.Tenant, cr.Key, dash(cr.Name), strings.Join(cr.Scopes, ","),
					cr.Created.Format(time.RFC3339), revoked)
			}
		})
	default: // revoke
		k, ok := operand(fs, *key)
		if !ok {
			return c.misused(cmd, "give exactly one KEY")
		}
		cr, err := st.Revoke(ctx, k)
		if err != nil {
			return c.failed(cmd, err, 1)
		}
		fmt.Fprintf(stdout, "revoked %s (tenant %s) at %s; running services stop accepting it within %s\n",
			cr.Key, cr.Tenant, cr.Revoked.Format(time.RFC3339), auth.DefaultCacheTTL)
		return 0
	}
}

// Tenants runs `tributary tenants create|list` (args without the word
// "tenants") and returns the exit code: 0 done, 1 failed, 2 usage.
func Tenants(args []string, stdout, stderr io.Writer, st *auth.Store) int {
	c := cli{group: "tenants", usage: tenantsUsage, stdout: stdout, stderr: stderr}
	cmd, fs, args, code := c.command(args, "create", "list")
	if fs == nil {
		return code
	}
	name := fs.String("name", "", "tenant name")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), CLITimeout)
	defer cancel()
	if cmd == "create" {
		n, ok := operand(fs, *name)
		if !ok {
			return c.misused(cmd, "give exactly one NAME")
		}
		t, err := st.CreateTenant(ctx, n)
		if err != nil {
			code := 1
			if errors.Is(err, auth.ErrInvalidTenant) {
				code = 2
			}
			return c.failed(cmd, err, code)
		}
		if *asJSON {
			return printJSON(stdout, stderr, t)
		}
		fmt.Fprintf(stdout, "created tenant %s\n", t.Name)
		return 0
	}
	ts, err := st.ListTenants(ctx)
	if err != nil {
		return c.failed(cmd, err, 1)
	}
	return c.list(*asJSON, ts, "TENANT\tCREATED", func(tw io.Writer) {
		for _, t := range ts {
			fmt.Fprintf(tw, "%s\t%s\n", t.Name, t.Created.Format(time.RFC3339))
		}
	})
}

// cli is one command group of the tributary command line (`tributary
// <group> <command> ...`) and where it prints.
type cli struct {
	group, usage   string
	stdout, stderr io.Writer
}

// command splits args into one of cmds and the rest, and gives the flag set
// of that command. fs is nil when there is nothing to run: no command (usage
// on stderr, code 2), help (usage on stdout, code 0) or an unknown command
// (code 2).
func (c cli) command(args []string, cmds ...string) (cmd string, fs *flag.FlagSet, rest []string, code int) {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, c.usage)
		return "", nil, nil, 2
	}
	cmd, rest = args[0], args[1:]
	switch {
	case slices.Contains(cmds, cmd):
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(c.stdout, c.usage)
		return cmd, nil, nil, 0
	default:
		fmt.Fprintf(c.stderr, "tributary %s: unknown command %q\n\n%s", c.group, cmd, c.usage)
		return cmd, nil, nil, 2
	}
	fs = flag.NewFlagSet("tributary "+c.group+" "+cmd, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() { fmt.Fprint(c.stderr, c.usage) }
	return cmd, fs, rest, 0
}

// list prints v as JSON when asJSON is set, else as a table: header, then
// the lines rows writes (tab-separated columns).
func (c cli) list(asJSON bool, v any, header string, rows func(tw io.Writer)) int {
	if asJSON {
		return printJSON(c.stdout, c.stderr, v)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	rows(tw)
	_ = tw.Flush()
	return 0
}

// misused prints what is wrong with the command line of cmd and the usage,
// and returns the usage exit code.
func (c cli) misused(cmd, problem string) int {
	fmt.Fprintf(c.stderr, "tributary %s %s: %s\n\n%s", c.group, cmd, problem, c.usage)
	return 2
}

// failed prints why cmd failed and returns code.
func (c cli) failed(cmd string, err error, code int) int {
	fmt.Fprintf(c.stderr, "tributary %s %s: %v\n", c.group, cmd, err)
	return code
}

// operand is the one operand of a command, given either as flagValue (a
// --flag) or as the only positional argument; ok is false when it is missing
// or given more than once.
func operand(fs *flag.FlagSet, flagValue string) (v string, ok bool) {
	if flagValue != "" {
		return flagValue, fs.NArg() == 0
	}
	return fs.Arg(0), fs.NArg() == 1 && fs.Arg(0) != ""
}

// parse parses flags that may come before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func printJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
