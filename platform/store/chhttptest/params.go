package chhttptest

import (
	"net/url"
	"strings"

	"github.com/tributary-lrs/tributary/platform/store/chdb"
	"github.com/tributary-lrs/tributary/schemas/store"
)

// bindParams binds the placeholders {name:Type} of sql to the request's
// param_<name> URL arguments the way a ClickHouse server does: the argument
// is the value's text in the escaped (TabSeparated) format of the type, read
// whole; a placeholder without an argument is an error. The value reaches
// the engine as a literal cast to the type, never as SQL text.
func bindParams(sql string, params url.Values) (string, error) {
	if !hasParams(params) {
		return sql, nil
	}
	return store.Placeholders(sql, func(b *strings.Builder, name, typ string) error {
		vs, ok := params["param_"+name]
		if !ok || len(vs) == 0 {
			return &store.ServerError{Code: 456, Name: "UNKNOWN_QUERY_PARAMETER",
				Message: "Substitution `" + name + "` is not set"}
		}
		text := vs[len(vs)-1]
		if typ == "String" {
			chdb.QuoteString(b, unescapeTSV(text))
			return nil
		}
		// Other types read their own text form (an Array its [...] form).
		b.WriteString("CAST(")
		chdb.QuoteString(b, text)
		b.WriteString(" AS " + typ + ")")
		return nil
	})
}

func hasParams(params url.Values) bool {
	for k := range params {
		if strings.HasPrefix(k, "param_") {
			return true
		}
	}
	return false
}

// unescapeTSV reads s as an escaped TabSeparated String field: \\, \t, \n,
// \r, \0, \b, \f, \a, \v, \xHH, and a backslash before any other byte
// stands for that byte.
func unescapeTSV(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'a':
			b.WriteByte('\a')
		case 'v':
			b.WriteByte('\v')
		case 'x':
			if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
				i += 2
			} else {
				b.WriteByte(e)
			}
		default:
			b.WriteByte(e)
		}
	}
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}
