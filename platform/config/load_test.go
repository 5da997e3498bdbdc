package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tributary.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDefaults(t *testing.T) {
	cfg, opts, err := Load(nil, []string{"all"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !equalConfig(cfg, Default()) {
		t.Errorf("Load with nothing set =\n%s\nwant Default()\n%s", Redacted(cfg), Redacted(Default()))
	}
	if !slices.Equal(opts.Args, []string{"all"}) || opts.Verify || opts.File != "" {
		t.Errorf("opts = %+v", opts)
	}
}

func TestLoadPrecedence(t *testing.T) {
	file := writeFile(t, `
http:
  addr: file:1
  read_timeout: 200ms
data:
  dir: /file
log:
  level: warn
kafka:
  brokers: [f1:9092, f2:9092]
  topic: file-topic
`)
	tests := []struct {
		name    string
		args    []string
		env     []string
		addr    string
		dir     string
		topic   string
		level   string
		brokers []string
	}{
		{name: "file over defaults", args: []string{"--config", file},
			addr: "file:1", dir: "/file", topic: "file-topic", level: "warn", brokers: []string{"f1:9092", "f2:9092"}},
		{name: "file from env", env: []string{"TRIBUTARY_CONFIG=" + file},
			addr: "file:1", dir: "/file", topic: "file-topic", level: "warn", brokers: []string{"f1:9092", "f2:9092"}},
		{name: "env over file", args: []string{"--config", file},
			env:  []string{"TRIBUTARY_HTTP_ADDR=env:2", "TRIBUTARY_KAFKA_BROKERS=e1:9092, e2:9092,,e3:9092"},
			addr: "env:2", dir: "/file", topic: "file-topic", level: "warn", brokers: []string{"e1:9092", "e2:9092", "e3:9092"}},
		{name: "flags over env", args: []string{"--config", file, "--http.addr", "flag:3", "--set", "kafka.topic=set-topic", "--log.level=debug"},
			env:  []string{"TRIBUTARY_HTTP_ADDR=env:2", "TRIBUTARY_KAFKA_TOPIC=env-topic", "TRIBUTARY_DATA_DIR=/env"},
			addr: "flag:3", dir: "/env", topic: "set-topic", level: "debug", brokers: []string{"f1:9092", "f2:9092"}},
		{name: "--set beats its own flag and applies in order", args: []string{"--http.addr", "flag:3", "--set", "http.addr=set:4", "--set", "kafka.brokers=s1:1,s2:2"},
			addr: "set:4", dir: "./data", topic: "tributary.statements", level: "info", brokers: []string{"s1:1", "s2:2"}},
		{name: "--config beats TRIBUTARY_CONFIG", args: []string{"--config", file}, env: []string{"TRIBUTARY_CONFIG=/does/not/exist"},
			addr: "file:1", dir: "/file", topic: "file-topic", level: "warn", brokers: []string{"f1:9092", "f2:9092"}},
		{name: "empty env ignored", env: []string{"TRIBUTARY_HTTP_ADDR="},
			addr: "127.0.0.1:8080", dir: "./data", topic: "tributary.statements", level: "info", brokers: []string{"127.0.0.1:9092"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := Load(nil, tt.args, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.HTTP.Addr != tt.addr || cfg.Data.Dir != tt.dir || cfg.Kafka.Topic != tt.topic || cfg.Log.Level != tt.level {
				t.Errorf("addr, dir, topic, level = %q %q %q %q, want %q %q %q %q",
					cfg.HTTP.Addr, cfg.Data.Dir, cfg.Kafka.Topic, cfg.Log.Level, tt.addr, tt.dir, tt.topic, tt.level)
			}
			if !slices.Equal(cfg.Kafka.Brokers, tt.brokers) {
				t.Errorf("brokers = %q, want %q", cfg.Kafka.Brokers, tt.brokers)
			}
		})
	}
	// Keys the file does not mention keep their defaults.
	cfg, _, err := Load(nil, []string{"--config", file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP.ReadTimeout != 200*time.Millisecond || cfg.HTTP.WriteTimeout != Default().HTTP.WriteTimeout {
		t.Errorf("read/write timeout = %v %v", cfg.HTTP.ReadTimeout, cfg.HTTP.WriteTimeout)
	}
}

// TestLoadEnvEveryKey sets every key through its variable alone, without a file.
func TestLoadEnvEveryKey(t *testing.T) {
	env := []string{}
	for _, k := range Keys() {
		env = append(env, EnvName(k)+"="+sampleValue(k))
	}
	cfg, opts, err := Load(nil, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.UnknownEnv) != 0 {
		t.Errorf("UnknownEnv = %q", opts.UnknownEnv)
	}
	got := values(cfg)
	def := values(Default())
	for _, k := range Keys() {
		if equalValue(got[k], def[k]) {
			t.Errorf("%s: env %s had no effect (%v)", k, EnvName(k), got[k])
		}
	}
	if cfg.Auth.Bootstrap.Key != "sample" || cfg.Auth.Bootstrap.Secret != "sample" {
		t.Errorf("bootstrap = %+v", cfg.Auth.Bootstrap)
	}
	if !slices.Equal(cfg.ClickHouse.Addr, []string{"h1:9000", "h2:9000"}) {
		t.Errorf("clickhouse.addr = %q", cfg.ClickHouse.Addr)
	}
	if cfg.Processor.BatchAge != 1234*time.Millisecond || !cfg.ClickHouse.Secure || cfg.Kafka.Partitions != 77 {
		t.Errorf("processor.batch_age, clickhouse.secure, kafka.partitions = %v %v %v",
			cfg.Processor.BatchAge, cfg.ClickHouse.Secure, cfg.Kafka.Partitions)
	}
}

// sampleValue is a value of the key's type that differs from its default.
func sampleValue(key string) string {
	switch v := values(Default())[key].(type) {
	case time.Duration:
		return "1234ms"
	case []string:
		return "h1:9000,h2:9000"
	case bool:
		if v {
			return "false"
		}
		return "true"
	case int, int64:
		return "77"
	case float64:
		return "12.5"
	default:
		return "sample"
	}
}

func TestEnvNamesUnique(t *testing.T) {
	seen := map[string]string{}
	for _, k := range Keys() {
		n := EnvName(k)
		if other, ok := seen[n]; ok {
			t.Errorf("%s and %s share %s", k, other, n)
		}
		seen[n] = k
	}
	for _, want := range []string{"TRIBUTARY_HTTP_ADDR", "TRIBUTARY_DATA_DIR", "TRIBUTARY_AUTH_BOOTSTRAP_KEY",
		"TRIBUTARY_AUTH_BOOTSTRAP_SECRET", "TRIBUTARY_KAFKA_BROKERS", "TRIBUTARY_CLICKHOUSE_ADDR"} {
		if _, ok := seen[want]; !ok {
			t.Errorf("no key for %s", want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // YAML; "" for none
		args []string
		want string // substring of the error
	}{
		{name: "unknown top-level key", file: "htp:\n  addr: x:1\n", want: "htp.addr"},
		{name: "unknown nested key", file: "kafka:\n  broker: [a:1]\n  topic: t\n", want: "kafka.broker"},
		{name: "unknown keys all reported", file: "kafka:\n  broker: [a:1]\nlog:\n  lvl: x\n", want: "kafka.broker, log.lvl"},
		{name: "bad duration", file: "processor:\n  batch_age: soon\n", want: "batch_age"},
		{name: "duration without unit", file: "shutdown:\n  step_timeout: 10\n", want: "unit"},
		{name: "wrong type", file: "kafka:\n  partitions: many\n", want: "partitions"},
		{name: "bad yaml", file: "http: [\n", want: "config file"},
		{name: "missing file", args: []string{"--config", "/nonexistent/tributary.yaml"}, want: "/nonexistent/tributary.yaml"},
		{name: "--set unknown key", args: []string{"--set", "kafka.broker=a:1"}, want: "kafka.broker"},
		{name: "--set without =", args: []string{"--set", "kafka.brokers"}, want: "key=value"},
		{name: "unknown flag", args: []string{"--nope"}, want: "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.file != "" {
				args = append([]string{"--config", writeFile(t, tt.file)}, args...)
			}
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			fs.SetOutput(discard{})
			_, _, err := Load(fs, args, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadHelpAndOptions(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.SetOutput(discard{})
	if _, _, err := Load(fs, []string{"--help"}, nil); !errors.Is(err, pflag.ErrHelp) {
		t.Errorf("--help: err = %v, want pflag.ErrHelp", err)
	}
	fs = pflag.NewFlagSet("t", pflag.ContinueOnError)
	extra := fs.Bool("extra", false, "a caller's own flag")
	_, opts, err := Load(fs, []string{"--config-verify", "--extra", "ingest"},
		[]string{"TRIBUTARY_KAFKA_BROKER=x", "TRIBUTARY_CONFIG=", "PATH=/bin", "TRIBUTARY_IT_CLICKHOUSE=1"})
	if err != nil {
		t.Fatal(err)
	}
	if !opts.Verify || !*extra || !slices.Equal(opts.Args, []string{"ingest"}) {
		t.Errorf("opts = %+v, extra = %v", opts, *extra)
	}
	if want := []string{"TRIBUTARY_IT_CLICKHOUSE", "TRIBUTARY_KAFKA_BROKER"}; !slices.Equal(opts.UnknownEnv, want) {
		t.Errorf("UnknownEnv = %q, want %q", opts.UnknownEnv, want)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func equalConfig(a, b Config) bool {
	va, vb := values(a), values(b)
	for k := range va {
		if !equalValue(va[k], vb[k]) {
			return false
		}
	}
	return true
}

func equalValue(a, b any) bool {
	if sa, ok := a.([]string); ok {
		sb, _ := b.([]string)
		return slices.Equal(sa, sb)
	}
	return a == b
}
