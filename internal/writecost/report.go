package writecost

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Title describes a variant (Options.Variant).
func Title(variant string) string {
	kind, table, _ := strings.Cut(variant, ":")
	switch kind {
	case "", "all":
		return "all tables"
	case "none":
		return "statements_in only (no view)"
	default:
		return kind + " " + table
	}
}

// Variants are the runs of a full measurement: every table; each table's
// views removed in turn (its share: the difference to all tables); each
// table alone (its cost alone: the difference to no view); no view.
func Variants() []string {
	out := []string{"all"}
	for _, t := range Tables {
		out = append(out, "without:"+t)
	}
	for _, t := range Tables {
		out = append(out, "only:"+t)
	}
	return append(out, "none")
}

// Report writes the measurement as Markdown tables: CPU per statement of
// every measurement (the run with the least CPU of its repetitions, the
// spread of the others beside it), each table's share (the difference to
// the measurement without it), and what every table holds after the full
// run. runs holds the repetitions of each measurement.
func Report(w io.Writer, runs [][]Result) {
	total := func(r Result) float64 { return r.PerStatement(r.Insert + r.Merge) }
	var results []Result
	spread := map[string]string{}
	for _, rs := range runs {
		if len(rs) == 0 {
			continue
		}
		best, lo, hi := rs[0], math.Inf(1), math.Inf(-1)
		for _, r := range rs {
			t := total(r)
			lo, hi = math.Min(lo, t), math.Max(hi, t)
			if t <= total(best) {
				best = r
			}
		}
		results = append(results, best)
		spread[best.Variant] = fmt.Sprintf("%.1f–%.1f (%d runs)", lo, hi, len(rs))
	}
	if len(results) == 0 {
		return
	}
	us := func(r Result, d time.Duration) string { return fmt.Sprintf("%.1f", r.PerStatement(d)) }
	fmt.Fprintf(w, "%d statements (%.0f bytes each on average, %d voiding) in batches of %d\n\n",
		results[0].Statements, float64(results[0].RawBytes)/float64(max(results[0].Statements, 1)),
		results[0].Voiding, results[0].Statements/max(results[0].Batches, 1))
	fmt.Fprintln(w, "| run | insert µs/stmt | merges after µs/stmt | total µs/stmt | total over the runs | insert ms/batch (wall) | merges after (wall) | id lookups µs/stmt | referrer lookups µs/stmt |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.0f | %s | %s | %s |\n", Title(r.Variant), us(r, r.Insert), us(r, r.Merge),
			us(r, r.Insert+r.Merge), spread[r.Variant], float64(r.InsertWall.Milliseconds())/float64(max(r.Batches, 1)),
			r.MergeWall.Round(100*time.Millisecond), us(r, r.IDLookups), us(r, r.RefLookups))
	}
	all, ok := find(results, "all")
	if !ok {
		all, ok = find(results, "")
	}
	if !ok {
		return
	}
	none, hasNone := find(results, "none")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| table | share µs/stmt (all − without it) | alone µs/stmt (only it − none) | rows/stmt | parts | bytes on disk/stmt | uncompressed bytes/stmt | part types |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	n := float64(max(all.Statements, 1))
	for _, t := range all.Tables {
		share, alone := "–", "–"
		if r, ok := find(results, "without:"+t.Name); ok {
			share = fmt.Sprintf("%.1f", total(all)-total(r))
		}
		if r, ok := find(results, "only:"+t.Name); ok && hasNone {
			alone = fmt.Sprintf("%.1f", total(r)-total(none))
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %.2f | %d | %.0f | %.0f | %s |\n", t.Name, share, alone, float64(t.Rows)/n, t.Parts,
			float64(t.Bytes)/n, float64(t.Uncompressed)/n, t.PartTypes)
	}
	if hasNone {
		fmt.Fprintf(w, "| (`statements_in` itself: the block, no view) | | %.1f | | | | | |\n", total(none))
	}
	fmt.Fprintf(w, "\nengine idle CPU (subtracted): %.1f ms/s; merged rows %d (%.1f per statement), merged uncompressed %.0f bytes per statement\n",
		all.IdleCPU*1000, all.Events["MergedRows"], float64(all.Events["MergedRows"])/n, float64(all.Events["MergedUncompressedBytes"])/n)
}

func find(results []Result, variant string) (Result, bool) {
	for _, r := range results {
		if r.Variant == variant {
			return r, true
		}
	}
	return Result{}, false
}
