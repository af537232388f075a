package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Summary renders the run's overview: one line per subject with a link to
// its report, and the totals, checks per second included.
func Summary(runID string, ms []Matrix) string {
	var b strings.Builder
	b.WriteString("# Access matrix gate\n\n")
	if runID != "" {
		fmt.Fprintf(&b, "Run %s.\n\n", runID)
	}
	b.WriteString("| subject | result | checks | failed | review only | time | checks/s |\n|---|---|---|---|---|---|---|\n")
	var rows, failed, reviewOnly int
	var total time.Duration
	for _, m := range ms {
		result := "passed"
		if m.Failed() > 0 {
			result = "**FAILED**"
		}
		fmt.Fprintf(&b, "| [%s](%s) | %s | %d | %d | %d | %s | %.0f |\n", cell(m.Subject), FileName(m.Subject), result,
			len(m.Rows), m.Failed(), m.ReviewOnly(), m.Duration.Round(time.Millisecond), m.ChecksPerSecond())
		rows += len(m.Rows)
		failed += m.Failed()
		reviewOnly += m.ReviewOnly()
		total += m.Duration
	}
	rate := 0.0
	if total > 0 {
		rate = float64(rows) / total.Seconds()
	}
	fmt.Fprintf(&b, "\n**Total**: %s\n", TotalLine(rows, failed, total, rate))
	if reviewOnly > 0 {
		fmt.Fprintf(&b, "\n%d of them review only: judged by the access review alone, as sending them could change the server.\n", reviewOnly)
	}
	return b.String()
}

// TotalLine is the totals sentence, also printed to the log.
func TotalLine(rows, failed int, d time.Duration, rate float64) string {
	return fmt.Sprintf("%d checks, %d failed, full passes took %s: %.0f checks/s (each check: client-go + HTTP + access review)", rows, failed, d.Round(time.Millisecond), rate)
}

// WriteSummary writes summary.md into dir and returns its path.
func WriteSummary(dir, runID string, ms []Matrix) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "summary.md")
	return path, os.WriteFile(path, []byte(Summary(runID, ms)), 0o644)
}
