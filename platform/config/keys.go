package config

import (
	"reflect"
	"strings"
)

// EnvPrefix is the prefix of every environment variable Load reads.
const EnvPrefix = "TRIBUTARY_"

// Keys returns every leaf key of Config in declaration order, as dotted
// mapstructure names ("http.addr", "kafka.brokers", ...).
func Keys() []string {
	var keys []string
	walk(reflect.TypeOf(Config{}), "", func(key string, _ []int) { keys = append(keys, key) })
	return keys
}

// EnvName is the environment variable that sets key: TRIBUTARY_ followed by
// the key in upper case with "." replaced by "_" (http.addr → TRIBUTARY_HTTP_ADDR).
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// walk calls leaf for every non-struct field reachable from t through
// mapstructure-tagged fields, with its dotted key and reflect field index path.
func walk(t reflect.Type, prefix string, leaf func(key string, index []int)) {
	walkIndex(t, prefix, nil, leaf)
}

// fieldKey returns the mapstructure name of f and its dotted key under
// prefix; ok is false for a field that is no configuration key.
func fieldKey(f reflect.StructField, prefix string) (name, key string, ok bool) {
	name, _, _ = strings.Cut(f.Tag.Get("mapstructure"), ",")
	if name == "" || name == "-" || !f.IsExported() {
		return "", "", false
	}
	if prefix == "" {
		return name, name, true
	}
	return name, prefix + "." + name, true
}

func walkIndex(t reflect.Type, prefix string, index []int, leaf func(string, []int)) {
	for i := range t.NumField() {
		f := t.Field(i)
		_, key, ok := fieldKey(f, prefix)
		if !ok {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct {
			walkIndex(f.Type, key, idx, leaf)
			continue
		}
		leaf(key, idx)
	}
}

// values returns every leaf of c keyed by its dotted name.
func values(c Config) map[string]any {
	v := reflect.ValueOf(c)
	out := map[string]any{}
	walk(v.Type(), "", func(key string, index []int) {
		out[key] = v.FieldByIndex(index).Interface()
	})
	return out
}
