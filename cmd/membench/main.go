// Command membench starts the all-in-one LRS as a child process, sends
// concurrent POSTs of the maximum body size and prints its peak resident set
// and its resident set afterwards (see internal/membench).
//
//	membench -lrs bin/tributary -clients 8 -body 10485760
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/tributary-lrs/tributary/internal/membench"
)

func main() {
	var o membench.Options
	lrs := flag.String("lrs", "bin/tributary", "the LRS binary (started as `LRS all`)")
	env := flag.String("env", "", "extra environment of the LRS, comma-separated KEY=VALUE")
	flag.IntVar(&o.Clients, "clients", 8, "concurrent POSTs")
	flag.IntVar(&o.BodyBytes, "body", 10<<20, "bytes of each POST body (at most; ingest.max_body_bytes)")
	flag.DurationVar(&o.Settle, "settle", 5*time.Second, "wait after the last answer before reading the resident set")
	limit := flag.Int64("max-peak", 0, "exit 1 when the peak resident set exceeds this many bytes (0: no check)")
	flag.Parse()
	o.Command = []string{*lrs}
	if *env != "" {
		o.Env = strings.Split(*env, ",")
	}
	o.Stderr = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := membench.Run(ctx, o)
	fmt.Println(rep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "membench:", err)
		os.Exit(1)
	}
	if rep.Statuses[200] != rep.Bodies {
		fmt.Fprintln(os.Stderr, "membench: not every POST was answered 200: the figures do not measure them all")
		os.Exit(1)
	}
	if *limit > 0 && rep.PeakRSS > *limit {
		fmt.Fprintf(os.Stderr, "membench: peak resident set %d bytes exceeds %d\n", rep.PeakRSS, *limit)
		os.Exit(1)
	}
}
