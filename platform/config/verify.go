package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// BootstrapCredentialFile is the file under data.dir where the all-in-one
// role keeps the bootstrap credential it generates when none is configured.
const BootstrapCredentialFile = "bootstrap-credential.json"

// VerifyReport is what --config-verify prints before the effective
// configuration, as YAML comments (the output stays a valid config file):
// the file read, where the bootstrap credential comes from (never the
// secret), and each unknown TRIBUTARY_* variable with the one it most likely
// meant.
func VerifyReport(c Config, opts Options, role string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# tributary %s: the configuration is valid\n", role)
	if opts.File != "" {
		fmt.Fprintf(&b, "# config file: %s\n", opts.File)
	}
	fmt.Fprintf(&b, "# bootstrap credential: %s\n", bootstrapSource(c, opts, role))
	for _, name := range opts.UnknownEnv {
		fmt.Fprintf(&b, "# unknown environment variable %s (ignored)", name)
		if guess := closestEnvName(name); guess != "" {
			fmt.Fprintf(&b, ": did you mean %s?", guess)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func bootstrapSource(c Config, opts Options, role string) string {
	const key, secret = "auth.bootstrap.key", "auth.bootstrap.secret"
	if c.Auth.Bootstrap.Key != "" {
		return fmt.Sprintf("key %q from %s, secret from %s", c.Auth.Bootstrap.Key,
			describeSource(key, opts), describeSource(secret, opts))
	}
	if role != RoleAll {
		return "not set"
	}
	dir, err := filepath.Abs(c.Data.Dir)
	if err != nil {
		dir = c.Data.Dir
	}
	path := filepath.Join(dir, BootstrapCredentialFile)
	if _, err := os.Stat(path); err == nil {
		return "generated on an earlier start, read from " + path
	}
	return "none yet: generated on the first start and kept in " + path
}

func describeSource(key string, opts Options) string {
	switch opts.Sources[key] {
	case SourceEnv:
		return "the environment (" + EnvName(key) + ")"
	case SourceFile:
		return "the config file " + opts.File
	case SourceFlag:
		return "a flag"
	default:
		return "the defaults"
	}
}

// closestEnvName returns the variable of a key within three edits of name,
// "" when none is that close.
func closestEnvName(name string) string {
	best, bestDist := "", 4
	for _, k := range Keys() {
		if d := editDistance(name, EnvName(k)); d < bestDist {
			best, bestDist = EnvName(k), d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
