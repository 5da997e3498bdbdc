// Command loadgen drives a running Tributary (or any LRS) with realistic
// statements and prints what it measured: statements/s, request latency,
// failures by status, read-your-write and Consistent-Through lag (and whether
// Consistent-Through was ever overstated), GET latency per filter, and with
// -pid the server's CPU per statement and peak RSS.
//
//	loadgen -url http://127.0.0.1:8080/xapi -key K -secret S -workers 8 -batch 100 -duration 60s -pid $(pidof tributary)
//	loadgen -url ... -workers 0 -readers 16 -duration 20s        # GETs by id only
//	loadgen -url ... -workers 0 -duration 10s                     # idle: lag probes only
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/tributary-lrs/tributary/internal/loadgen"
)

func main() { os.Exit(run()) }

func run() int {
	var o loadgen.Options
	flag.StringVar(&o.BaseURL, "url", "http://127.0.0.1:8080/xapi", "xAPI base URL")
	flag.StringVar(&o.Key, "key", os.Getenv("TRIBUTARY_AUTH_BOOTSTRAP_KEY"), "credential key")
	flag.StringVar(&o.Secret, "secret", os.Getenv("TRIBUTARY_AUTH_BOOTSTRAP_SECRET"), "credential secret")
	flag.StringVar(&o.Version, "version", "1.0.3", "X-Experience-API-Version")
	flag.IntVar(&o.Workers, "workers", 8, "concurrent writers (0: none)")
	flag.IntVar(&o.Batch, "batch", 100, "statements per POST (1: a single statement object)")
	flag.DurationVar(&o.Warmup, "warmup", 5*time.Second, "load before the measured window (left out of the figures)")
	flag.DurationVar(&o.Duration, "duration", 30*time.Second, "measured window (0 with -statements: until those are acknowledged)")
	flag.Int64Var(&o.Statements, "statements", 0, "end the window once this many statements were acknowledged")
	flag.Int64Var(&o.ProgressEvery, "progress", 0, "print statements/s every this many acknowledged statements")
	flag.IntVar(&o.Readers, "readers", 0, "concurrent clients of GET ?statementId= (ids: the newest 10,000 stored)")
	flag.Float64Var(&o.RYWRate, "ryw-rate", 4, "read-your-write probes per second (0: off)")
	flag.Float64Var(&o.ListRate, "ct-rate", 5, "Consistent-Through samples per second (0: off)")
	flag.DurationVar(&o.PollInterval, "poll", 10*time.Millisecond, "read-your-write poll interval")
	flag.Float64Var(&o.GETRate, "get-rate", 0, "GET filter probe requests per second during the run (0: off)")
	flag.IntVar(&o.ServerPID, "pid", 0, "pid of the server process, to measure its CPU time and peak RSS")
	flag.Uint64Var(&o.Seed, "seed", 1, "seed of the generated statements")
	flag.Parse()
	if o.ProgressEvery > 0 {
		o.Progress = func(s loadgen.Step) {
			fmt.Fprintf(os.Stderr, "%s statements acknowledged after %s: %.0f statements/s\n",
				fmt.Sprint(s.Statements), s.Elapsed.Round(time.Second), s.PerSecond)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := loadgen.Run(ctx, o)
	fmt.Print(rep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 1
	}
	return 0
}
