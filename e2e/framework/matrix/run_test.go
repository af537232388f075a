package matrix_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"rbac-e2e/e2e/framework/matrix"
)

func TestRunBoundsConcurrencyAndKeepsOrder(t *testing.T) {
	checks := make([]matrix.Check, 200)
	for i := range checks {
		checks[i].Name = string(rune('a' + i%26))
	}
	var inFlight, peak atomic.Int64
	results, took := matrix.Run(t.Context(), checks, 8, func(_ context.Context, c matrix.Check) string {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(time.Millisecond)
		inFlight.Add(-1)
		return c.Name
	})
	if peak.Load() > 8 || peak.Load() < 2 {
		t.Errorf("peak concurrency %d, want 2..8", peak.Load())
	}
	for i, r := range results {
		if r != checks[i].Name {
			t.Fatalf("result %d = %q, want %q: results out of order", i, r, checks[i].Name)
		}
	}
	if took <= 0 {
		t.Errorf("took %s", took)
	}
	if res, _ := matrix.Run(t.Context(), nil, 8, func(context.Context, matrix.Check) int { return 1 }); len(res) != 0 {
		t.Errorf("Run(no checks) = %v", res)
	}
}
