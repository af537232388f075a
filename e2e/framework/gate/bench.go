package gate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rbac-e2e/e2e/framework/effective"
)

// BenchSweep is the sweep benchmark (make bench-sweep): the sweep of every
// subject, then every difference from the recorded snapshot confirmed on
// the wire, timed; the figures go to the log and to bench-sweep.txt.
func (r *Run) BenchSweep(ctx context.Context) (string, error) {
	start := time.Now()
	head, err := r.Head(ctx)
	if err != nil {
		return "", err
	}
	swept := time.Since(start)
	recorded, err := effective.LoadSnapshot(r.In.Snapshot)
	if err != nil {
		return "", err
	}
	confirmStart := time.Now()
	changes, err := r.changes(ctx, recorded, head, nil)
	if err != nil {
		return "", err
	}
	confirmTook := time.Since(confirmStart)
	r.mu.Lock()
	r.snapshotChanges = changes // on the subjects' pages
	r.mu.Unlock()
	wire, unconfirmed := 0, 0
	var samples []string
	for _, sc := range changes {
		wire += len(sc.Changes)
		unconfirmed += len(sc.Unconfirmed)
		for _, u := range sc.Unconfirmed {
			if len(samples) < 10 {
				samples = append(samples, sc.Subject.String()+": "+u)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "sweep benchmark (%d subjects):\n", len(head.Access))
	for i, s := range head.Sweeps {
		fmt.Fprintf(&b, "  sweep %d: %s\n", i+1, s)
	}
	fmt.Fprintf(&b, "  aggregation settled and swept: %s\n", swept.Round(time.Millisecond))
	rate := 0.0
	if confirmTook > 0 {
		rate = float64(wire) / confirmTook.Seconds()
	}
	fmt.Fprintf(&b, "  wire confirmations of the differences from %s: %d permissions of %d subjects (%d not borne out) in %s (%.0f checks/s; each client-go + HTTP + access review)\n",
		r.In.Snapshot, wire, len(changes), unconfirmed, confirmTook.Round(time.Millisecond), rate)
	for _, u := range samples {
		fmt.Fprintf(&b, "    not borne out: %s\n", u)
	}
	fmt.Fprintf(&b, "  total: %s\n", time.Since(start).Round(time.Millisecond))
	out := b.String()
	r.In.logf("%s", out)
	if err := os.MkdirAll(r.In.ReportDir(), 0o755); err != nil {
		return out, err
	}
	return out, os.WriteFile(filepath.Join(r.In.ReportDir(), "bench-sweep.txt"), []byte(out), 0o644)
}
