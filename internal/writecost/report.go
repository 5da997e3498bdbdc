package writecost

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Variant names a run: the tables whose views it drops.
func Variant(without []string) string {
	switch {
	case len(without) == 0:
		return "all tables"
	case slices.Contains(without, "*"):
		return "statements_in only (no view)"
	default:
		return "without " + strings.Join(without, ", ")
	}
}

// Variants are the runs of a full measurement: every table, each table's
// views removed in turn, and no view at all.
func Variants() [][]string {
	out := [][]string{nil}
	for _, t := range Tables {
		out = append(out, []string{t})
	}
	return append(out, []string{"*"})
}

// Report writes the measurement as Markdown tables: CPU per statement of
// every measurement (the run with the least CPU of its repetitions, the
// spread of the others beside it), each table's share (the difference to
// the measurement without it), and what every table holds after the full
// run. runs holds the repetitions of each measurement.
func Report(w io.Writer, runs [][]Result) {
	var results []Result
	spread := map[string]string{}
	for _, rs := range runs {
		if len(rs) == 0 {
			continue
		}
		best, lo, hi := rs[0], math.Inf(1), math.Inf(-1)
		for _, r := range rs {
			t := r.PerStatement(r.Insert + r.Merge)
			lo, hi = math.Min(lo, t), math.Max(hi, t)
			if t <= best.PerStatement(best.Insert+best.Merge) {
				best = r
			}
		}
		results = append(results, best)
		spread[Variant(best.Without)] = fmt.Sprintf("%.1f–%.1f (%d runs)", lo, hi, len(rs))
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
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.0f | %s | %s | %s |\n", Variant(r.Without), us(r, r.Insert), us(r, r.Merge),
			us(r, r.Insert+r.Merge), spread[Variant(r.Without)], float64(r.InsertWall.Milliseconds())/float64(max(r.Batches, 1)),
			r.MergeWall.Round(100*time.Millisecond), us(r, r.IDLookups), us(r, r.RefLookups))
	}
	all, ok := find(results, nil)
	if !ok {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| table | share µs/stmt (insert + merges) | rows/stmt | parts | bytes on disk/stmt | uncompressed bytes/stmt | part types |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	n := float64(max(all.Statements, 1))
	for _, t := range all.Tables {
		share := "–"
		if r, ok := find(results, []string{t.Name}); ok {
			share = fmt.Sprintf("%.1f", all.PerStatement(all.Insert+all.Merge)-r.PerStatement(r.Insert+r.Merge))
		}
		fmt.Fprintf(w, "| `%s` | %s | %.2f | %d | %.0f | %.0f | %s |\n", t.Name, share, float64(t.Rows)/n, t.Parts,
			float64(t.Bytes)/n, float64(t.Uncompressed)/n, t.PartTypes)
	}
	if r, ok := find(results, []string{"*"}); ok {
		fmt.Fprintf(w, "| (`statements_in` itself: the block, no view) | %.1f | | | | | |\n", r.PerStatement(r.Insert+r.Merge))
	}
	fmt.Fprintf(w, "\nengine idle CPU (subtracted): %.1f ms/s; merged rows %d (%.1f per statement), merged uncompressed %.0f bytes per statement\n",
		all.IdleCPU*1000, all.Events["MergedRows"], float64(all.Events["MergedRows"])/n, float64(all.Events["MergedUncompressedBytes"])/n)
}

func find(results []Result, without []string) (Result, bool) {
	for _, r := range results {
		if slices.Equal(r.Without, without) {
			return r, true
		}
	}
	return Result{}, false
}
