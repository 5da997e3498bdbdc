package suite

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/tributary-lrs/tributary/internal/loadgen"
)

// WriteTable prints the machine, then one Markdown table: a row per figure,
// a column per scenario (figures no scenario measured are left out), then
// the throughput per fill step and the problems found.
func (r Result) WriteTable(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "date:     %s\n", m.Date.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "machine:  %d CPUs (nproc), %s, Linux %s\n", m.CPUs, m.Model, m.Kernel)
	fmt.Fprintf(w, "build:    %s\n", m.Build)
	fmt.Fprintf(w, "load avg: %s before, %s after (1/5/15 min; the load generator runs on the same CPUs)\n",
		m.LoadBefore, m.LoadAfter)
	if len(m.Settings) > 0 {
		fmt.Fprintf(w, "settings: %s\n", strings.Join(m.Settings, " "))
	}
	fmt.Fprintln(w)
	header := []string{"figure"}
	for _, s := range r.Scenarios {
		fmt.Fprintf(w, "%s\n", s.Name)
		letter, _, _ := strings.Cut(s.Name, ":")
		header = append(header, letter)
	}
	fmt.Fprintln(w)
	rows := [][]string{header}
	if len(r.Scenarios) > 0 {
		for i, row := range r.Scenarios[0].Report.Rows() {
			cells := []string{row.Name}
			measured := false
			for _, s := range r.Scenarios {
				v := s.Report.Rows()[i].Value
				measured = measured || v != loadgen.NotMeasured
				cells = append(cells, v)
			}
			if measured {
				rows = append(rows, cells)
			}
		}
	}
	writeMarkdown(w, rows)
	for _, s := range r.Scenarios {
		if len(s.Report.Steps) > 0 {
			fmt.Fprintf(w, "\n%s — statements/s per step:\n", s.Name)
			writeSteps(w, s.Report.Steps)
		}
	}
	if p := r.Problems(); len(p) > 0 {
		fmt.Fprintf(w, "\nproblems:\n  %s\n", strings.Join(p, "\n  "))
	}
}

// writeSteps prints each step's rate and how far the rates spread around
// their mean (the first step, which includes the start, is left out of the
// spread when there are more).
func writeSteps(w io.Writer, steps []loadgen.Step) {
	var sum, lo, hi float64
	lo = math.Inf(1)
	rates := steps
	if len(steps) > 2 {
		rates = steps[1:]
	}
	for _, s := range rates {
		sum += s.PerSecond
		lo, hi = min(lo, s.PerSecond), max(hi, s.PerSecond)
	}
	for _, s := range steps {
		fmt.Fprintf(w, "  up to %12d: %8.0f/s (at %s)\n", s.Statements, s.PerSecond, s.Elapsed.Round(1e9))
	}
	mean := sum / float64(len(rates))
	fmt.Fprintf(w, "  spread: %.0f–%.0f/s, %+.1f %% / %+.1f %% of the mean %.0f/s\n",
		lo, hi, 100*(lo-mean)/mean, 100*(hi-mean)/mean, mean)
}

func writeMarkdown(w io.Writer, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			b.WriteString(" " + c + strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(rows[0])
	sep := make([]string, len(width))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range rows[1:] {
		line(r)
	}
}
