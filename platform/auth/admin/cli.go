package admin

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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
	if len(args) == 0 {
		fmt.Fprint(stderr, credentialsUsage)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), CLITimeout)
	defer cancel()
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("tributary credentials "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, credentialsUsage) }
	tenant := fs.String("tenant", "", "tenant of the credential")
	scopes := fs.String("scopes", "", "comma-separated xAPI scopes")
	name := fs.String("name", "", "a label for the credential")
	key := fs.String("key", "", "the credential key (revoke)")
	asJSON := fs.Bool("json", false, "print JSON")
	switch cmd {
	case "create", "list", "revoke":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, credentialsUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "tributary credentials: unknown command %q\n\n%s", cmd, credentialsUsage)
		return 2
	}
	if err := parse(fs, args); err != nil {
		return 2
	}
	switch cmd {
	case "create":
		if *tenant == "" || *scopes == "" {
			fmt.Fprint(stderr, "tributary credentials create: --tenant and --scopes are required\n\n"+credentialsUsage)
			return 2
		}
		sc, err := auth.ParseScopes(*scopes)
		if err != nil {
			fmt.Fprintln(stderr, "tributary credentials create:", err)
			return 2
		}
		c, secret, err := st.CreateCredential(ctx, auth.NewCredential{Tenant: *tenant, Scopes: sc, Name: *name})
		if err != nil {
			fmt.Fprintln(stderr, "tributary credentials create:", err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, Created{Credential: c, Secret: secret})
		}
		fmt.Fprintf(stdout, "tenant: %s\nkey:    %s\nsecret: %s\nscopes: %s\n", c.Tenant, c.Key, secret, strings.Join(c.Scopes, ","))
		fmt.Fprintln(stderr, "The secret is shown only now: store it safely.")
		return 0
	case "list":
		cs, err := st.ListCredentials(ctx, *tenant)
		if err != nil {
			fmt.Fprintln(stderr, "tributary credentials list:", err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, cs)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TENANT\tKEY\tNAME\tSCOPES\tCREATED\tREVOKED")
		for _, c := range cs {
			revoked := "-"
			if c.IsRevoked() {
				revoked = c.Revoked.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Tenant, c.Key, dash(c.Name), strings.Join(c.Scopes, ","),
				c.Created.Format(time.RFC3339), revoked)
		}
		_ = tw.Flush()
		return 0
	default: // revoke
		k := *key
		if k == "" && fs.NArg() == 1 {
			k = fs.Arg(0)
		}
		if k == "" || fs.NArg() > 1 || (*key != "" && fs.NArg() > 0) {
			fmt.Fprint(stderr, "tributary credentials revoke: give exactly one KEY\n\n"+credentialsUsage)
			return 2
		}
		c, err := st.Revoke(ctx, k)
		if err != nil {
			fmt.Fprintln(stderr, "tributary credentials revoke:", err)
			return 1
		}
		fmt.Fprintf(stdout, "revoked %s (tenant %s) at %s; running services stop accepting it within %s\n",
			c.Key, c.Tenant, c.Revoked.Format(time.RFC3339), auth.DefaultCacheTTL)
		return 0
	}
}

// Tenants runs `tributary tenants create|list` (args without the word
// "tenants") and returns the exit code: 0 done, 1 failed, 2 usage.
func Tenants(args []string, stdout, stderr io.Writer, st *auth.Store) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, tenantsUsage)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), CLITimeout)
	defer cancel()
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("tributary tenants "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tenantsUsage) }
	name := fs.String("name", "", "tenant name")
	asJSON := fs.Bool("json", false, "print JSON")
	switch cmd {
	case "create", "list":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, tenantsUsage)
		return 0
	default:
		fmt.Fprintf(stderr, "tributary tenants: unknown command %q\n\n%s", cmd, tenantsUsage)
		return 2
	}
	if err := parse(fs, args); err != nil {
		return 2
	}
	if cmd == "create" {
		n := *name
		if n == "" && fs.NArg() == 1 {
			n = fs.Arg(0)
		}
		if n == "" || fs.NArg() > 1 || (*name != "" && fs.NArg() > 0) {
			fmt.Fprint(stderr, "tributary tenants create: give exactly one NAME\n\n"+tenantsUsage)
			return 2
		}
		t, err := st.CreateTenant(ctx, n)
		if err != nil {
			fmt.Fprintln(stderr, "tributary tenants create:", err)
			if errors.Is(err, auth.ErrInvalidTenant) {
				return 2
			}
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, t)
		}
		fmt.Fprintf(stdout, "created tenant %s\n", t.Name)
		return 0
	}
	ts, err := st.ListTenants(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "tributary tenants list:", err)
		return 1
	}
	if *asJSON {
		return printJSON(stdout, stderr, ts)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tCREATED")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\n", t.Name, t.Created.Format(time.RFC3339))
	}
	_ = tw.Flush()
	return 0
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
