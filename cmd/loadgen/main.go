// Command loadgen drives a running Tributary (or any LRS) with generated
// statements and prints the throughput and visibility lag it measured.
//
//	loadgen -url http://127.0.0.1:8080/xapi -key K -secret S -workers 8 -batch 100 -duration 30s
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

func main() {
	var o loadgen.Options
	flag.StringVar(&o.BaseURL, "url", "http://127.0.0.1:8080/xapi", "xAPI base URL")
	flag.StringVar(&o.Key, "key", os.Getenv("TRIBUTARY_AUTH_BOOTSTRAP_KEY"), "credential key")
	flag.StringVar(&o.Secret, "secret", os.Getenv("TRIBUTARY_AUTH_BOOTSTRAP_SECRET"), "credential secret")
	flag.IntVar(&o.Workers, "workers", 8, "concurrent clients")
	flag.IntVar(&o.Batch, "batch", 100, "statements per POST")
	flag.DurationVar(&o.Duration, "duration", 30*time.Second, "how long to send")
	flag.IntVar(&o.Statements, "statements", 0, "stop after this many statements (0: run for -duration)")
	flag.StringVar(&o.Version, "version", "1.0.3", "X-Experience-API-Version")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := loadgen.Run(ctx, o)
	fmt.Println(rep)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}
