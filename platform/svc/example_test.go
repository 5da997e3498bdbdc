package svc_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/tributary-lrs/tributary/platform/config"
	"github.com/tributary-lrs/tributary/platform/svc"
)

// A main of one role: load and verify the configuration, build the
// dependencies, serve, and shut down in the common order.
func Example() {
	run := func() int {
		cfg, opts, err := config.Load(nil, os.Args[1:], os.Environ())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		if err := cfg.Validate(config.RoleQuery); err != nil || opts.Verify {
			if err != nil {
				fmt.Fprintln(os.Stderr, err) // one problem per line
				return 1
			}
			fmt.Print(config.Redacted(cfg))
			return 0
		}
		log := svc.NewLogger(cfg.Log, os.Stderr)
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() { <-ctx.Done(); stop() }() // a second signal kills at once

		lc := svc.NewLifecycle(log, cfg.Shutdown)
		reg := prometheus.NewRegistry()
		// store := ...; lc.OnStop(svc.PhaseStore, "store", func(context.Context) error { return store.Close() })
		// lc.Readiness().Add("clickhouse", store.Ping)
		// lc.Go(svc.PhaseWorkers, "watermark", wm.Run)
		app := svc.InstrumentHandler(reg, http.NotFoundHandler(), nil)
		srv := svc.NewServer(cfg.HTTP, app, svc.ServerOptions{Registry: reg, Ready: lc.Readiness(), Log: log})
		if err := srv.Start(lc); err != nil {
			lc.Fail("http", err) // Run still closes what was registered
		}
		if err := lc.Run(ctx); err != nil {
			return 1
		}
		return 0
	}
	_ = run // os.Exit(run()) in a real main
}
