package auth

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddress names the client of a request for the failed sign-in limit.
//
// The client is the TCP peer (RemoteAddr), unless the peer is one of
// TrustedProxies: then X-Forwarded-For is read from the right, skipping
// trusted proxies, and the first other address is the client (the leftmost
// one if all are trusted). Entries a client wrote itself sit left of what
// its first trusted proxy appended, so they are never believed. Without
// TrustedProxies X-Forwarded-For is ignored. An IPv6 client is named by its
// /64 (one host usually holds a whole /64), an IPv4 one by its address.
type ClientAddress struct {
	TrustedProxies []netip.Prefix
}

// Of returns the name of the client of r.
func (c ClientAddress) Of(r *http.Request) string {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	client := peer
	if c.trusted(peer) {
		client = c.forwardedFor(r, peer)
	}
	if client.Is6() {
		p, _ := client.Prefix(64) // cannot fail for an IPv6 address
		return p.String()
	}
	return client.String()
}

func (c ClientAddress) trusted(a netip.Addr) bool {
	for _, p := range c.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor walks X-Forwarded-For from the right (peer is the trusted
// proxy that sent the request).
func (c ClientAddress) forwardedFor(r *http.Request, peer netip.Addr) netip.Addr {
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(strings.TrimSpace(hops[i]))
		if !ok {
			return client // a malformed hop: believe nothing left of it
		}
		client = a
		if !c.trusted(a) {
			return a
		}
	}
	return client
}

// parseAddr reads "ip", "ip:port" or "[ipv6]:port", IPv4-mapped IPv6
// unmapped.
func parseAddr(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}
