package suite

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Machine describes where and on what a suite ran.
type Machine struct {
	Date       time.Time
	CPUs       int    // logical CPUs this process may use (nproc)
	Model      string // "model name" of /proc/cpuinfo
	Kernel     string
	Build      string // what the binary's "version" command printed
	Settings   []string
	LoadBefore string // /proc/loadavg: 1, 5 and 15 minute load averages
	LoadAfter  string
}

// DescribeMachine gathers the Machine of a run of command (asked for its
// version, with env added to the environment).
func DescribeMachine(ctx context.Context, command, env []string) Machine {
	m := Machine{Date: time.Now().UTC(), CPUs: runtime.NumCPU(), Model: cpuModel(), LoadBefore: loadAverage()}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if len(command) > 0 {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, command[0], append(command[1:len(command):len(command)], "version")...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.Output()
		if err != nil {
			m.Build = "unknown (" + err.Error() + ")"
		} else {
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			for i, l := range lines {
				lines[i] = strings.Join(strings.Fields(l), " ")
			}
			m.Build = strings.Join(lines, "; ")
		}
	}
	// TRIBUTARY_* settings passed on to the LRS, secrets left out.
	for _, kv := range append(os.Environ(), env...) {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TRIBUTARY_") && !strings.Contains(k, "SECRET") && !strings.Contains(k, "KEY") {
			m.Settings = append(m.Settings, kv)
		}
	}
	sort.Strings(m.Settings)
	return m
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
