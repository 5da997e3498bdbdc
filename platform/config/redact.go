package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// redactedValue replaces a secret that is set; an unset secret stays "".
const redactedValue = "<redacted>"

// IsSecret reports whether key holds a secret that must never be printed or
// logged: its last segment names a password, secret or token.
func IsSecret(key string) bool {
	last := key[strings.LastIndex(key, ".")+1:]
	for _, s := range []string{"password", "secret", "token"} {
		if strings.Contains(last, s) {
			return true
		}
	}
	return false
}

// Redacted renders c as YAML in the file format Load reads (keys in
// declaration order, durations as "10s"), with every set secret replaced by
// "<redacted>". It is what --config-verify prints.
func Redacted(c Config) string {
	node := redactNode(reflect.ValueOf(c), "")
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(node); err != nil { // cannot happen: only scalars and lists
		return fmt.Sprintf("# cannot render configuration: %v\n", err)
	}
	_ = enc.Close()
	return b.String()
}

func redactNode(v reflect.Value, prefix string) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name, key, ok := fieldKey(f, prefix)
		if !ok {
			continue
		}
		var val *yaml.Node
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Struct:
			val = redactNode(fv, key)
		case fv.Type() == durationType:
			val = scalar(time.Duration(fv.Int()).String(), "!!str")
		case fv.Kind() == reflect.Slice:
			val = &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for j := range fv.Len() {
				val.Content = append(val.Content, scalar(fmt.Sprint(fv.Index(j).Interface()), "!!str"))
			}
		case fv.Kind() == reflect.String && IsSecret(key) && fv.String() != "":
			val = scalar(redactedValue, "!!str")
		default:
			val = &yaml.Node{}
			if err := val.Encode(fv.Interface()); err != nil {
				val = scalar(fmt.Sprint(fv.Interface()), "!!str")
			}
		}
		m.Content = append(m.Content, scalar(name, "!!str"), val)
	}
	return m
}

func scalar(s, tag string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s}
}
