package report

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Cell is what one channel (or the access review) got for a row.
type Cell struct {
	Name string // client-go, http, review
	Got  string
	OK   bool
}

// Row is one checked row.
type Row struct {
	Source   string // file:line (field)
	Check    string // what was asked, such as "list pods in namespace a (GET /api/v1/namespaces/a/pods)"
	Expected string
	Cells    []Cell
	Failures []string // empty when the row passed
	Note     string
	// ReviewOnly, when set, is why the row was judged by the access review
	// alone: no harmless request exists for it (GATE-6).
	ReviewOnly string
}

// Failed tells whether the row failed.
func (r Row) Failed() bool { return len(r.Failures) > 0 }

// Matrix is the report of one subject.
type Matrix struct {
	Subject  string
	Detail   string // how the subject was acted as (token hash, impersonation)
	Files    []string
	RunID    string
	Started  time.Time
	Duration time.Duration // of the full pass over every row
	Rows     []Row
}

// Failed counts the failed rows.
func (m Matrix) Failed() int {
	n := 0
	for _, r := range m.Rows {
		if r.Failed() {
			n++
		}
	}
	return n
}

// ReviewOnly counts the rows judged by the access review alone.
func (m Matrix) ReviewOnly() int {
	n := 0
	for _, r := range m.Rows {
		if r.ReviewOnly != "" {
			n++
		}
	}
	return n
}

// ChecksPerSecond is the rate of the full pass.
func (m Matrix) ChecksPerSecond() float64 {
	if m.Duration <= 0 {
		return 0
	}
	return float64(len(m.Rows)) / m.Duration.Seconds()
}

// Line is the one-line summary: counts, time and rate.
func (m Matrix) Line() string {
	review := ""
	if n := m.ReviewOnly(); n > 0 {
		review = fmt.Sprintf(", %d review only", n)
	}
	return fmt.Sprintf("%d checks, %d failed%s, in %s (%.0f checks/s)", len(m.Rows), m.Failed(), review, m.Duration.Round(time.Millisecond), m.ChecksPerSecond())
}

// Markdown renders the report: a header, then a table of every row with
// the failed rows first, each group in file order.
func (m Matrix) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Access matrix: %s\n\n", m.Subject)
	status := "PASSED"
	if m.Failed() > 0 {
		status = "FAILED"
	}
	fmt.Fprintf(&b, "**%s**: %s.\n\n", status, m.Line())
	if m.Detail != "" {
		fmt.Fprintf(&b, "- acting as: %s\n", m.Detail)
	}
	fmt.Fprintf(&b, "- expectations: %s\n", strings.Join(m.Files, ", "))
	if m.RunID != "" {
		fmt.Fprintf(&b, "- run: %s, started %s\n", m.RunID, m.Started.UTC().Format(time.RFC3339))
	}
	b.WriteString("- every row is made through client-go and plain net/http with the same credentials, and asked of an access review; all three must agree with the expectation.\n")
	if n := m.ReviewOnly(); n > 0 {
		fmt.Fprintf(&b, "- review only (%d): rows marked *review only* were judged by the access review alone: no harmless request exists for them, and sending one could change the server.\n", n)
	}
	b.WriteString("\n")
	if len(m.Rows) == 0 {
		b.WriteString("No rows.\n")
		return b.String()
	}
	var names []string
	for _, c := range m.Rows[0].Cells {
		names = append(names, c.Name)
	}
	b.WriteString("| result | row | check | expected | " + strings.Join(names, " | ") + " |\n")
	b.WriteString("|---|---|---|---|" + strings.Repeat("---|", len(names)) + "\n")
	rows := slices.Clone(m.Rows)
	slices.SortStableFunc(rows, func(x, y Row) int {
		switch {
		case x.Failed() == y.Failed():
			return 0
		case x.Failed():
			return -1
		}
		return 1
	})
	for _, r := range rows {
		result := "ok"
		if r.Failed() {
			result = "**FAIL**: " + strings.Join(r.Failures, "; ")
		}
		if r.ReviewOnly != "" {
			result += " · *" + r.ReviewOnly + "*"
		}
		check := r.Check
		if r.Note != "" {
			check += " — " + r.Note
		}
		cells := []string{result, r.Source, check, r.Expected}
		for _, c := range r.Cells {
			got := c.Got
			if !c.OK {
				got = "**" + got + "**"
			}
			cells = append(cells, got)
		}
		for i := range cells {
			cells[i] = cell(cells[i])
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}

// cell keeps a value on one table line: pipes escaped, newlines folded.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName is the report's file name for a subject.
func FileName(subject string) string {
	return strings.Trim(unsafeName.ReplaceAllString(subject, "_"), "_") + ".md"
}

// Write writes the report into dir and returns its path.
func (m Matrix) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName(m.Subject))
	return path, os.WriteFile(path, []byte(m.Markdown()), 0o644)
}
