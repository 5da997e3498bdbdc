// Command writecost measures the CPU the embedded engine spends storing
// statements, per table (see internal/writecost). Each run goes in a child
// process of its own, on a fresh data directory, so no run pays for the
// merges of another:
//
//	writecost -statements 200000 -batch 5000
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"

	"github.com/tributary-lrs/tributary/internal/writecost"
	"github.com/tributary-lrs/tributary/platform/store/chdb"
)

func main() {
	var o writecost.Options
	flag.IntVar(&o.Statements, "statements", 200000, "statements to insert per run")
	flag.IntVar(&o.BatchSize, "batch", 5000, "statements per insert")
	seed := flag.Uint64("seed", 1, "generator seed")
	runs := flag.Int("runs", 1, "runs of each measurement (the report takes the one with the least CPU, the others give the spread)")
	only := flag.String("only", "", "comma-separated variants: all, none, without:TABLE, only:TABLE; default every one")
	setupFile := flag.String("setup", "", "a file of SQL statements separated by lines holding only \";;\" run after the migrations ({db}: the database), to measure a schema change")
	save := flag.String("results", "", "append the result of every run to this file (JSON lines)")
	from := flag.String("report", "", "measure nothing: print the report of the results in this file (see -results)")
	child := flag.String("child", "", "internal: run one measurement of this variant")
	flag.Parse()
	o.Seed = *seed
	if *setupFile != "" {
		b, err := os.ReadFile(*setupFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "writecost:", err)
			os.Exit(2)
		}
		for _, q := range strings.Split(string(b), "\n;;\n") {
			if q = strings.TrimSpace(q); q != "" {
				o.Setup = append(o.Setup, q)
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *child != "" {
		if err := runChild(ctx, o, *child); err != nil {
			fmt.Fprintln(os.Stderr, "writecost:", err)
			os.Exit(1)
		}
		return
	}
	if *from != "" {
		results, err := load(*from)
		if err != nil {
			fmt.Fprintln(os.Stderr, "writecost:", err)
			os.Exit(1)
		}
		writecost.Report(os.Stdout, byVariant(results))
		return
	}
	variants := writecost.Variants()
	if *only != "" {
		variants = strings.Split(*only, ",")
	}
	var results []writecost.Result
	for _, variant := range variants {
		for i := 0; i < max(*runs, 1); i++ {
			fmt.Fprintf(os.Stderr, "== %s (run %d)\n", writecost.Title(variant), i+1)
			r, err := spawn(ctx, o, variant, *setupFile)
			if err == nil && *save != "" {
				err = appendResult(*save, r)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "writecost:", err)
				os.Exit(1)
			}
			results = append(results, r)
		}
	}
	writecost.Report(os.Stdout, byVariant(results))
}

// byVariant groups results by variant, in the order variants first appear.
func byVariant(results []writecost.Result) [][]writecost.Result {
	var out [][]writecost.Result
	at := map[string]int{}
	for _, r := range results {
		i, ok := at[r.Variant]
		if !ok {
			i = len(out)
			at[r.Variant] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

func appendResult(path string, r writecost.Result) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(r); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func load(path string) ([]writecost.Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []writecost.Result
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var r writecost.Result
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// spawn runs one measurement in a child process.
func spawn(ctx context.Context, o writecost.Options, variant, setupFile string) (writecost.Result, error) {
	self, err := os.Executable()
	if err != nil {
		return writecost.Result{}, err
	}
	args := []string{"-child", variant, "-statements", strconv.Itoa(o.Statements),
		"-batch", strconv.Itoa(o.BatchSize), "-seed", strconv.FormatUint(o.Seed, 10)}
	if setupFile != "" {
		args = append(args, "-setup", setupFile)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return writecost.Result{}, fmt.Errorf("run %q: %w", writecost.Title(variant), err)
	}
	var r writecost.Result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return r, fmt.Errorf("run %q: read its result: %w", writecost.Title(variant), err)
	}
	return r, nil
}

func runChild(ctx context.Context, o writecost.Options, variant string) error {
	o.Variant = variant
	dir, err := os.MkdirTemp("", "tributary-writecost-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	eng, err := chdb.Open(dir)
	if err != nil {
		return err
	}
	defer eng.Close()
	o.Log = func(f string, a ...any) { fmt.Fprintf(os.Stderr, "   "+f+"\n", a...) }
	r, err := writecost.Run(ctx, eng, "writecost", o)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}
