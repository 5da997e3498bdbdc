package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Options are the settings of one invocation that are not part of Config.
type Options struct {
	// File is the YAML file that was read, "" when none.
	File string
	// Verify is --config-verify: the caller checks the configuration, prints
	// the problems or the Redacted effective configuration, and exits.
	Verify bool
	// Args are the positional arguments left after the flags (e.g. the role).
	Args []string
	// UnknownEnv lists TRIBUTARY_* variables that name no key (sorted). They
	// are not an error, since other tooling may share the prefix; log them.
	UnknownEnv []string
	// Sources tells where each key that is not at its default was set: one
	// of SourceFile, SourceEnv, SourceFlag (the last layer that set it).
	Sources map[string]string
}

// Where a key's value came from (Options.Sources).
const (
	SourceFile = "file"
	SourceEnv  = "env"
	SourceFlag = "flag"
)

// EnvConfigFile names the YAML file when --config is not given.
const EnvConfigFile = EnvPrefix + "CONFIG"

// flagKeys are the keys that have a flag of their own (--http.addr ...);
// every key can also be set with --set key=value.
var flagKeys = []string{"http.addr", "http.admin_addr", "data.dir", "log.level"}

// Load builds the configuration from, lowest precedence first:
//
//  1. Default();
//  2. the YAML file named by --config or $TRIBUTARY_CONFIG, parsed strictly:
//     an unknown key is an error;
//  3. environment variables TRIBUTARY_<KEY> with "." replaced by "_", e.g.
//     TRIBUTARY_HTTP_ADDR, TRIBUTARY_KAFKA_BROKERS=a:9092,b:9092 (lists are
//     comma-separated); empty values are ignored;
//  4. flags: --http.addr, --http.admin_addr, --data.dir, --log.level, then
//     --set key=value
//     (repeatable, any key, applied in order).
//
// Durations are strings with a unit ("200ms", "10s"); a bare number is an
// error rather than nanoseconds. Load registers its flags on fs (a new
// ContinueOnError set when nil) and parses args with it, so callers may add
// their own flags to fs first; --help yields pflag.ErrHelp. environ is in
// os.Environ() form. Load does not call Validate: the role is only known to
// the caller.
func Load(fs *pflag.FlagSet, args, environ []string) (Config, Options, error) {
	if fs == nil {
		fs = pflag.NewFlagSet("tributary", pflag.ContinueOnError)
	}
	def := Default()
	defaults := values(def)
	file := fs.String("config", "", "YAML configuration file (env "+EnvConfigFile+")")
	verify := fs.Bool("config-verify", false, "check the configuration, print it with secrets redacted, and exit")
	for _, k := range flagKeys {
		fs.String(k, fmt.Sprint(defaults[k]), "sets "+k+" (env "+EnvName(k)+")")
	}
	sets := fs.StringArray("set", nil, "sets any key, e.g. --set kafka.brokers=a:9092,b:9092 (repeatable)")
	if err := fs.Parse(args); err != nil {
		return Config{}, Options{}, err
	}
	env := parseEnviron(environ)
	opts := Options{Verify: *verify, Args: fs.Args(), File: *file, Sources: map[string]string{}}
	if !fs.Changed("config") {
		opts.File = env[EnvConfigFile]
	}

	v := viper.NewWithOptions(viper.WithDecodeHook(mapstructure.ComposeDecodeHookFunc(
		strictDurationHook, mapstructure.StringToTimeDurationHookFunc(), listHook)))
	keys := Keys()
	for _, k := range keys {
		v.SetDefault(k, defaults[k])
	}
	if opts.File != "" {
		v.SetConfigFile(opts.File)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return Config{}, opts, fmt.Errorf("config file %s: %w", opts.File, err)
		}
		if unknown := unknownKeys(v.AllKeys(), keys); len(unknown) > 0 {
			return Config{}, opts, fmt.Errorf("config file %s: unknown keys: %s", opts.File, strings.Join(unknown, ", "))
		}
		for _, k := range keys {
			if v.InConfig(k) {
				opts.Sources[k] = SourceFile
			}
		}
	}

	// Set() overrides; applying env, then flags, then --set makes the later
	// layer win.
	known := map[string]bool{EnvConfigFile: true}
	for _, k := range keys {
		name := EnvName(k)
		known[name] = true
		if val := env[name]; val != "" {
			v.Set(k, val)
			opts.Sources[k] = SourceEnv
		}
	}
	for name := range env {
		if strings.HasPrefix(name, EnvPrefix) && !known[name] {
			opts.UnknownEnv = append(opts.UnknownEnv, name)
		}
	}
	slices.Sort(opts.UnknownEnv)
	for _, k := range flagKeys {
		if fs.Changed(k) {
			val, _ := fs.GetString(k)
			v.Set(k, val)
			opts.Sources[k] = SourceFlag
		}
	}
	for _, s := range *sets {
		k, val, ok := strings.Cut(s, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || !slices.Contains(keys, k) {
			return Config{}, opts, fmt.Errorf("--set %q: want key=value with a known key", s)
		}
		v.Set(k, val)
		opts.Sources[k] = SourceFlag
	}

	var cfg Config
	if err := v.UnmarshalExact(&cfg); err != nil {
		return Config{}, opts, fmt.Errorf("config: %w", err)
	}
	return cfg, opts, nil
}

func parseEnviron(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok {
			m[k] = val
		}
	}
	return m
}

// unknownKeys returns the keys of got that are not in known, sorted.
func unknownKeys(got, known []string) []string {
	var out []string
	for _, k := range got {
		if !slices.Contains(known, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

var durationType = reflect.TypeFor[time.Duration]()

// strictDurationHook rejects bare numbers for durations: "10" would
// otherwise silently mean 10ns.
func strictDurationHook(from, to reflect.Type, data any) (any, error) {
	if to != durationType {
		return data, nil
	}
	switch from.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if from == durationType {
			return data, nil
		}
		return nil, errors.New(`a duration needs a unit, e.g. "200ms" or "10s"`)
	}
	return data, nil
}

// listHook splits a comma-separated string into a list, trimming blanks and
// dropping empty items.
func listHook(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to.Kind() != reflect.Slice || to.Elem().Kind() != reflect.String {
		return data, nil
	}
	out := []string{}
	for item := range strings.SplitSeq(data.(string), ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out, nil
}
