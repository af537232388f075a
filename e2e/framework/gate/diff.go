package gate

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"rbac-e2e/e2e/framework/report"
)

// Diff is the access diff of a change (GATE-4): per subject what the
// working tree's manifests grant that the base's did not (+) and what they
// no longer grant (−), with paths, and the audit's findings on top.
type Diff struct {
	Base     string        `json:"base"`
	Subjects []DiffSubject `json:"subjects"`
	// Findings are the audit's new ones (audit.New): neither allow-listed
	// nor present at the base; Accepted counts the others (audit.md lists them).
	Findings []report.Finding `json:"findings,omitempty"`
	Accepted int              `json:"accepted"`
}

// DiffSubject is one subject's part of a Diff.
type DiffSubject struct {
	Subject string          `json:"subject"`
	Changes []report.Change `json:"changes"`
}

// AccessDiff computes the diff from the base (Input.Base, applied and swept
// by Start) to the working tree's manifests, writes diff.md and diff.json
// into the report folder and returns their paths. Without a base it says so.
func (r *Run) AccessDiff(ctx context.Context, baseName string) (*Diff, error) {
	if r.base == nil {
		return nil, fmt.Errorf("no base manifests were given (E2E_GATE_BASE): make access-diff BASE=<git ref> applies them")
	}
	head, err := r.Head(ctx)
	if err != nil {
		return nil, err
	}
	subjects, err := r.changes(ctx, r.base.Access, head, r.base)
	if err != nil {
		return nil, err
	}
	d := &Diff{Base: baseName}
	for _, s := range subjects {
		d.Subjects = append(d.Subjects, DiffSubject{Subject: s.Subject.String(), Changes: s.Changes})
	}
	findings, err := r.Findings(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range findings {
		if f.New {
			d.Findings = append(d.Findings, f)
		} else {
			d.Accepted++
		}
	}
	r.mu.Lock()
	r.diff = d
	r.mu.Unlock()
	return d, d.Write(r.In.ReportDir())
}

// Write writes diff.md and diff.json into dir.
func (d *Diff) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "diff.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "diff.md"), []byte(d.Markdown()), 0o644)
}

// Markdown renders the diff: new findings first, then per subject.
func (d *Diff) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Access diff: %s → working tree\n\n", d.Base)
	newFindings := 0
	for _, f := range d.Findings {
		if f.New {
			newFindings++
		}
	}
	gained, lost := 0, 0
	for _, s := range d.Subjects {
		for _, c := range s.Changes {
			if c.Gained {
				gained++
			} else {
				lost++
			}
		}
	}
	fmt.Fprintf(&b, "%d subjects changed: %d permissions gained (+), %d lost (−); %d new dangerous grants (%d more accepted: allow-listed or present at the base; audit.md lists every one).\n\n",
		len(d.Subjects), gained, lost, newFindings, d.Accepted)
	if len(d.Findings) > 0 {
		b.WriteString("## New dangerous grants\n\n")
		b.WriteString(report.FindingsMarkdown(d.Findings))
	}
	if len(d.Subjects) == 0 {
		b.WriteString("No subject's effective access changed.\n")
	}
	for _, s := range d.Subjects {
		fmt.Fprintf(&b, "## %s\n\n", s.Subject)
		b.WriteString(report.ChangesMarkdown(s.Changes))
	}
	return b.String()
}
