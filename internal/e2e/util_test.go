package e2e

import "net/url"

func urlEscape(s string) string { return url.QueryEscape(s) }
