package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Change is a permission a subject gained or lost against a recording (the
// snapshot, or the base of a diff), with how it was confirmed on the wire.
type Change struct {
	Gained     bool   `json:"gained"`
	Permission string `json:"permission"` // "get secrets", "get /metrics"
	Scope      string `json:"scope"`      // ClusterScope or a namespace
	Path       string `json:"path,omitempty"`
	Confirmed  string `json:"confirmed,omitempty"` // what both channels said, or why not
}

// Sign is + for a gained permission, − for a lost one.
func (c Change) Sign() string {
	if c.Gained {
		return "+"
	}
	return "−"
}

// Finding is a dangerous grant the audit found.
type Finding struct {
	New        bool   `json:"new"`                // neither allow-listed nor present at the base
	Accepted   string `json:"accepted,omitempty"` // the allow-list's reason, or "present at the base"
	Risk       string `json:"risk"`
	Permission string `json:"permission"`
	Scope      string `json:"scope"`
	Path       string `json:"path,omitempty"`
	Rule       string `json:"rule,omitempty"`
}

// Page is what people read about one subject: what changed, what is
// dangerous, then its access grid; the per-check log is a second file.
type Page struct {
	Subject  string      `json:"subject"`
	Summary  []string    `json:"summary"` // one line each: rows, snapshot, audit
	Failed   bool        `json:"failed"`
	Changes  []Change    `json:"changes,omitempty"`
	Findings []Finding   `json:"findings,omitempty"`
	Grid     []GridEntry `json:"grid"`
	Checks   string      `json:"checks,omitempty"` // file name of the per-check report
}

// SortFindings puts new findings first, then by risk, permission and scope.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.New != b.New {
			if a.New {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Risk+"\x00"+a.Permission+"\x00"+a.Scope, b.Risk+"\x00"+b.Permission+"\x00"+b.Scope)
	})
}

// Markdown renders the page.
func (p Page) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Access: %s\n\n", p.Subject)
	status := "PASSED"
	if p.Failed {
		status = "FAILED"
	}
	fmt.Fprintf(&b, "**%s**\n\n", status)
	for _, s := range p.Summary {
		fmt.Fprintf(&b, "- %s\n", s)
	}
	if p.Checks != "" {
		fmt.Fprintf(&b, "- every check, with what client-go, HTTP and the access review got: [%s](%s)\n", p.Checks, p.Checks)
	}
	b.WriteString("\n")
	if len(p.Changes) > 0 {
		b.WriteString("## Changes of effective access\n\n")
		b.WriteString(ChangesMarkdown(p.Changes))
	}
	if len(p.Findings) > 0 {
		b.WriteString("## Dangerous grants\n\n")
		b.WriteString(FindingsMarkdown(p.Findings))
	}
	b.WriteString("## Access grid\n\n✔ allowed, ✖ denied, empty: not asked; **✔**⚠ / **✖**⚠: not what was expected (explained under the table).\n\n")
	b.WriteString(GridMarkdown(p.Grid))
	return b.String()
}

// ChangesMarkdown is a table of gained and lost permissions, gained first.
func ChangesMarkdown(cs []Change) string {
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b Change) int {
		if a.Gained != b.Gained {
			if a.Gained {
				return -1
			}
			return 1
		}
		return 0
	})
	var b strings.Builder
	b.WriteString("| | permission | scope | granted by | on the wire |\n|---|---|---|---|---|\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.Sign(), cell(c.Permission), cell(c.Scope), cell(orDash(c.Path)), cell(orDash(c.Confirmed)))
	}
	return b.String() + "\n"
}

// FindingsMarkdown is a table of findings, new ones first.
func FindingsMarkdown(fs []Finding) string {
	fs = slices.Clone(fs)
	SortFindings(fs)
	var b strings.Builder
	b.WriteString("| | risk | permission | scope | granted by | rule |\n|---|---|---|---|---|---|\n")
	for _, f := range fs {
		status := "**NEW**"
		if !f.New {
			status = "accepted: " + f.Accepted
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(status), cell(f.Risk), cell(f.Permission), cell(f.Scope), cell(orDash(f.Path)), cell(orDash(f.Rule)))
	}
	return b.String() + "\n"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// ChecksFileName is the per-check report's file name for a subject.
func ChecksFileName(subject string) string {
	return strings.TrimSuffix(FileName(subject), ".md") + ".checks.md"
}

// JSONFileName is the page's JSON file name for a subject.
func JSONFileName(subject string) string {
	return strings.TrimSuffix(FileName(subject), ".md") + ".json"
}

// Write writes the page (FileName) and its JSON (JSONFileName) into dir
// and returns the page's path.
func (p Page) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	p.Grid = MergeGrid(p.Grid)
	SortFindings(p.Findings)
	js, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, JSONFileName(p.Subject)), append(js, '\n'), 0o644); err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName(p.Subject))
	return path, os.WriteFile(path, []byte(p.Markdown()), 0o644)
}

// WriteChecks writes the per-check report into dir as ChecksFileName and
// returns its path.
func (m Matrix) WriteChecks(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, ChecksFileName(m.Subject))
	return path, os.WriteFile(path, []byte(m.Markdown()), 0o644)
}
