package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestRedacted(t *testing.T) {
	c := Default()
	c.Auth.Bootstrap.Key = "admin"
	c.Auth.Bootstrap.Secret = "hunter2-very-secret"
	c.ClickHouse.Password = "pa55word"
	c.Kafka.Brokers = []string{"k1:9092", "k2:9092"}
	out := Redacted(c)
	for _, leak := range []string{"hunter2-very-secret", "pa55word"} {
		if strings.Contains(out, leak) {
			t.Errorf("Redacted leaks %q:\n%s", leak, out)
		}
	}
	for _, want := range []string{"key: admin", "secret: <redacted>", "password: <redacted>",
		"brokers: ['k1:9092', 'k2:9092']", "batch_age: 200ms", "step_timeout: 10s"} {
		if !strings.Contains(out, want) {
			t.Errorf("Redacted lacks %q:\n%s", want, out)
		}
	}
	// An unset secret shows as empty, so the reader can tell it is missing.
	if out := Redacted(Default()); !strings.Contains(out, `secret: ""`) {
		t.Errorf("unset secret not shown as empty:\n%s", out)
	}
}

// TestRedactedRoundTrip: the output is a valid config file that Load reads back
// to the same configuration (secrets aside), so it documents the file format.
func TestRedactedRoundTrip(t *testing.T) {
	c := Default()
	c.Kafka.Brokers = []string{"k1:9092", "k2:9092"}
	c.HTTP.Addr = ":9999"
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(Redacted(c)), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _, err := Load(nil, []string{"--config", p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !equalConfig(got, c) {
		t.Errorf("round trip =\n%s\nwant\n%s", Redacted(got), Redacted(c))
	}
}

func TestIsSecret(t *testing.T) {
	for key, want := range map[string]bool{
		"auth.bootstrap.secret": true, "clickhouse.password": true, "x.api_token": true,
		"auth.bootstrap.key": false, "clickhouse.username": false, "kafka.topic": false,
	} {
		if got := IsSecret(key); got != want {
			t.Errorf("IsSecret(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestExampleConfigIsDefault keeps deployments/config.example.yaml complete and
// in step with Default(): it must load strictly and change nothing.
func TestExampleConfigIsDefault(t *testing.T) {
	p := filepath.Join("..", "..", "deployments", "config.example.yaml")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no %s: %v", p, err)
	}
	got, _, err := Load(nil, []string{"--config", p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !equalConfig(got, Default()) {
		t.Errorf("%s differs from Default():\n%s", p, Redacted(got))
	}
	body, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		node := any(doc)
		for part := range strings.SplitSeq(k, ".") {
			m, _ := node.(map[string]any)
			node = m[part]
			if m == nil || node == nil && !hasKey(m, part) {
				t.Errorf("%s does not document %s", p, k)
				break
			}
		}
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }
