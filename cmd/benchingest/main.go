// Command benchingest benchmarks the all-in-one LRS over HTTP: it starts the
// binary on a fresh store and free ports, runs (a) 8 clients × 100
// statements per POST, (b) 64 clients × 1 per POST, (c) 16 clients of GETs
// by id and (d) idle probes, and prints one table of every figure (see
// internal/loadgen/suite). With -fill N it first loads N statements,
// printing statements/s per step, then measures GET filters idle and during
// writes. It exits 1 when the run showed a problem (5xx, an overstated
// Consistent-Through, ...).
//
//	benchingest -binary bin/tributary -duration 60s
//	benchingest -binary bin/tributary -fill 10000000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/tributary-lrs/tributary/internal/loadgen/suite"
)

func main() { os.Exit(run()) }

func run() int {
	var c suite.Config
	binary := flag.String("binary", "bin/tributary", "the LRS binary")
	flag.StringVar(&c.DataDir, "data-dir", "", "data directory (default: a new temporary one, removed afterwards)")
	flag.DurationVar(&c.Duration, "duration", time.Minute, "measured window of each write scenario")
	flag.DurationVar(&c.Warmup, "warmup", 0, "load before each window (default duration/5, at most 5s)")
	flag.DurationVar(&c.ReadDuration, "read-duration", 0, "GETs by id (default duration, at most 20s)")
	flag.DurationVar(&c.IdleDuration, "idle-duration", 0, "idle probes (default duration, at most 10s)")
	flag.Int64Var(&c.Fill, "fill", 0, "load this many statements first, then measure GET filters idle and during writes")
	flag.Int64Var(&c.FillStep, "fill-step", 0, "report statements/s every this many statements of the fill (default 1,000,000)")
	flag.Float64Var(&c.GETRate, "get-rate", 0, "GET filter requests per second with -fill (default 20)")
	flag.DurationVar(&c.GETDuration, "get-duration", 0, "idle GET filter run with -fill (default duration)")
	flag.Parse()
	c.Command, c.Out = []string{*binary}, os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := suite.Run(ctx, c)
	res.WriteTable(os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchingest:", err)
		return 1
	}
	if len(res.Problems()) > 0 {
		return 1
	}
	return 0
}
