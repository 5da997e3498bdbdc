package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 7, item 16: --config-verify reports unknown TRIBUTARY_* variables
// (likely typos) and where the bootstrap credential comes from, without the
// secret.
func TestConfigVerifyReportsUnknownEnvAndBootstrapSource(t *testing.T) {
	env := []string{"TRIBUTARY_HTTP_ADRR=x:1", "TRIBUTARY_SOMETHING_ELSE_ENTIRELY=1",
		"TRIBUTARY_AUTH_BOOTSTRAP_KEY=ops", "TRIBUTARY_AUTH_BOOTSTRAP_SECRET=s3cret-value"}
	cfg, opts, err := Load(nil, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	out := VerifyReport(cfg, opts, RoleAll)
	for _, want := range []string{
		"# unknown environment variable TRIBUTARY_HTTP_ADRR (ignored): did you mean TRIBUTARY_HTTP_ADDR?\n",
		"# unknown environment variable TRIBUTARY_SOMETHING_ELSE_ENTIRELY (ignored)\n",
		`# bootstrap credential: key "ops" from the environment (TRIBUTARY_AUTH_BOOTSTRAP_KEY), secret from the environment (TRIBUTARY_AUTH_BOOTSTRAP_SECRET)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s3cret-value") {
		t.Errorf("report shows the secret:\n%s", out)
	}

	file := writeFile(t, "auth:\n  bootstrap:\n    key: filekey\n    secret: file-secret-1\n")
	cfg, opts, err = Load(nil, []string{"--config", file, "--set", "auth.bootstrap.secret=flag-secret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out = VerifyReport(cfg, opts, RoleQuery)
	if want := `key "filekey" from the config file ` + file + `, secret from a flag`; !strings.Contains(out, want) {
		t.Errorf("report lacks %q:\n%s", want, out)
	}

	// All-in-one without a configured credential: generated, kept under data.dir.
	dir := t.TempDir()
	cfg, opts, err = Load(nil, []string{"--data.dir", dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, BootstrapCredentialFile)
	if out := VerifyReport(cfg, opts, RoleAll); !strings.Contains(out, "none yet: generated on the first start and kept in "+path) {
		t.Errorf("report before the first start:\n%s", out)
	}
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := VerifyReport(cfg, opts, RoleAll); !strings.Contains(out, "generated on an earlier start, read from "+path) {
		t.Errorf("report after the first start:\n%s", out)
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "abc", 3}, {"ADRR", "ADDR", 1}, {"kitten", "sitting", 3}, {"same", "same", 0}} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// Issue 7, item 23: the admin listener is its own address, or empty to share
// http.addr; the lockout needs at least one failure and a window.
func TestValidateAdminListenerAndLockout(t *testing.T) {
	for _, c := range []struct {
		set  func(*Config)
		want string // "" for valid
	}{
		{func(c *Config) {}, ""},
		{func(c *Config) { c.HTTP.AdminAddr = "" }, ""},
		{func(c *Config) { c.HTTP.Addr, c.HTTP.AdminAddr = "127.0.0.1:0", "127.0.0.1:0" }, ""},
		{func(c *Config) { c.HTTP.AdminAddr = c.HTTP.Addr }, "http.admin_addr: must differ"},
		{func(c *Config) { c.HTTP.AdminAddr = "8081" }, "http.admin_addr: \"8081\" is not host:port"},
		{func(c *Config) { c.Auth.Admin.LockoutFailures = 0 }, "auth.admin.lockout_failures"},
		{func(c *Config) { c.Auth.Admin.LockoutWindow = 0 }, "auth.admin.lockout_window"},
	} {
		cfg := Default()
		c.set(&cfg)
		err := cfg.Validate(RoleAll)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Validate = %v, want %q", err, c.want)
		}
	}
}
