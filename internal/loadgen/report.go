package loadgen

import (
	"fmt"
	"strings"
	"time"
)

// Row is one figure of a report: a name and its value ("-" when the run did
// not measure it).
type Row struct{ Name, Value string }

// NotMeasured is the value of a figure a run did not measure.
const NotMeasured = "-"

// Rows lists every figure of the report, in a fixed order.
func (r Report) Rows() []Row {
	o := r.Options
	writes, reads := o.Workers > 0, o.Readers > 0
	pick := func(ok bool, f func() string) string {
		if !ok {
			return NotMeasured
		}
		return f()
	}
	rows := []Row{
		{"clients", clients(o)},
		{"measured window", window(r.Window, o.Warmup)},
		{"statements/s", pick(writes, func() string { return thousands(r.PerSecond) })},
		{"statements acknowledged (window / run)", pick(writes, func() string {
			return thousands(float64(r.Statements)) + " / " + thousands(float64(r.Total))
		})},
		{"statement size (as sent)", pick(writes, func() string { return fmt.Sprintf("%d B", r.StatementBytes) })},
		{"POST p50 / p95 / p99 / max", pick(writes, func() string { return quantiles(r.Latency) })},
		{"failed POSTs (by status)", pick(writes, r.Failures.String)},
		{"server CPU per statement", pick(writes && o.ServerPID > 0, func() string { return micros(r.PerStatement(r.ServerCPU)) })},
		{"load generator CPU per statement", pick(writes, func() string { return micros(r.PerStatement(r.ClientCPU)) })},
		{"GETs by id/s", pick(reads, func() string { return thousands(r.ReadsPerSecond) })},
		{"GET by id p50 / p95 / p99 / max", pick(reads, func() string { return quantiles(r.ReadLatency) })},
		{"failed GETs by id (by status)", pick(reads, r.ReadFailures.String)},
		{"server CPU per GET by id", pick(reads && o.ServerPID > 0 && r.Reads > 0, func() string {
			return micros(r.ServerCPU / time.Duration(max(r.Reads, 1)))
		})},
		{"server CPU (cores busy)", pick(o.ServerPID > 0 && r.Window > 0, func() string {
			return fmt.Sprintf("%.2f", r.ServerCPU.Seconds()/r.Window.Seconds())
		})},
		{"server peak RSS (VmHWM)", pick(o.ServerPID > 0, func() string { return fmt.Sprintf("%d MiB", r.ServerPeakRSS>>20) })},
	}
	c := r.Consistency
	rows = append(rows,
		Row{"read-your-write p50 / p99 / max", pick(o.RYWRate > 0, c.ReadYourWrite.String)},
		Row{"read-your-write probes not visible in " + o.ProbeTimeout.String(), pick(o.RYWRate > 0, func() string {
			if c.Skipped > 0 {
				return fmt.Sprintf("%d (%d not sent: %d waiting)", c.NotVisible, c.Skipped, maxProbesInFlight)
			}
			return fmt.Sprint(c.NotVisible)
		})},
		Row{"Consistent-Through lag p50 / p99 / max", pick(o.ListRate > 0, c.ConsistentThroughLag.String)},
		Row{"Consistent-Through overstated", pick(o.ListRate > 0 && o.RYWRate > 0, func() string {
			return fmt.Sprintf("%d of %d checks", c.Overstated, c.Checked)
		})},
		Row{"failed probe requests (by status)", pick(o.ListRate > 0 || o.RYWRate > 0, c.Failures.String)},
	)
	for _, f := range Filters {
		g, ok := r.GETs[f]
		rows = append(rows, Row{"GET " + f + " p50 / p99 / max", pick(ok, func() string {
			v := g.Latency.String()
			if g.Failures.Total() > 0 {
				v += ", failed " + g.Failures.String()
			}
			if g.Skipped > 0 {
				v += fmt.Sprintf(", %d not sent (32 outstanding)", g.Skipped)
			}
			return v
		})})
	}
	return rows
}

// String is the report, one figure a line.
func (r Report) String() string {
	var b strings.Builder
	for _, row := range r.Rows() {
		if row.Value != NotMeasured {
			fmt.Fprintf(&b, "%-44s %s\n", row.Name, row.Value)
		}
	}
	for _, s := range r.Steps {
		fmt.Fprintf(&b, "%-44s %s/s\n", "statements/s up to "+thousands(float64(s.Statements)), thousands(s.PerSecond))
	}
	if c := r.Consistency; c.Example != "" {
		fmt.Fprintf(&b, "first overstatement: %s\n", c.Example)
	}
	return b.String()
}

func window(w, warmup time.Duration) string {
	if warmup <= 0 {
		return fmt.Sprintf("%.1f s", w.Seconds())
	}
	return fmt.Sprintf("%.1f s (after %s warm-up)", w.Seconds(), warmup)
}

func clients(o Options) string {
	var parts []string
	if o.Workers > 0 {
		parts = append(parts, fmt.Sprintf("%d × %d per POST", o.Workers, o.Batch))
	}
	if o.Readers > 0 {
		parts = append(parts, fmt.Sprintf("%d GET by id", o.Readers))
	}
	if o.GETRate > 0 {
		parts = append(parts, fmt.Sprintf("GET filters %g/s", o.GETRate))
	}
	if len(parts) == 0 {
		return "idle (probes only)"
	}
	return strings.Join(parts, " + ")
}

func quantiles(s Summary) string {
	if s.N == 0 {
		return NotMeasured
	}
	return fmt.Sprintf("%s / %s / %s / %s", Millis(s.P50), Millis(s.P95), Millis(s.P99), Millis(s.Max))
}

func micros(d time.Duration) string {
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

// thousands formats v rounded, with thousands separators.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}
