package gate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/report"
)

// subjectReport is what the run learnt about one subject, for its page.
type subjectReport struct {
	subject matrix.Subject
	rows    *report.Matrix
	grid    []report.GridEntry
}

// writeSubjectReport writes a subject's per-check file and its page, and
// returns the page's path. Close writes the pages again with the sweep,
// the snapshot's changes and the findings.
func (r *Run) writeSubjectReport(s matrix.Subject, m report.Matrix, grid []report.GridEntry) (string, error) {
	r.mu.Lock()
	if r.subjects == nil {
		r.subjects = map[string]*subjectReport{}
	}
	sr := r.subjects[s.Key()]
	if sr == nil {
		sr = &subjectReport{subject: s}
		r.subjects[s.Key()] = sr
	}
	sr.rows, sr.grid = &m, grid
	r.mu.Unlock()
	if _, err := m.WriteChecks(r.In.ReportDir()); err != nil {
		return "", err
	}
	return r.page(s).Write(r.In.ReportDir())
}

// writePages writes every subject's page: those with rows and those the
// sweep found.
func (r *Run) writePages() error {
	keys := map[string]matrix.Subject{}
	r.mu.Lock()
	for k, sr := range r.subjects {
		keys[k] = sr.subject
	}
	if r.head != nil {
		for _, a := range r.head.Access {
			keys[a.Subject.Key()] = a.Subject
		}
	}
	for _, sc := range r.snapshotChanges { // a subject that lost everything
		keys[sc.Subject.Key()] = sc.Subject
	}
	r.mu.Unlock()
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	for _, k := range sorted {
		if _, err := r.page(keys[k]).Write(r.In.ReportDir()); err != nil {
			return err
		}
	}
	return nil
}

// page assembles a subject's page from what the run knows so far.
func (r *Run) page(s matrix.Subject) report.Page {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := report.Page{Subject: s.String()}
	if sr := r.subjects[s.Key()]; sr != nil && sr.rows != nil {
		m := sr.rows
		p.Summary = append(p.Summary, "hand-written rows ("+joinFiles(m.Files)+"): "+m.Line())
		p.Failed = p.Failed || m.Failed() > 0
		p.Checks = report.ChecksFileName(m.Subject)
		p.Grid = append(p.Grid, sr.grid...)
	}
	if r.head != nil {
		for _, a := range r.head.Access {
			if a.Subject.Key() != s.Key() {
				continue
			}
			p.Summary = append(p.Summary, fmt.Sprintf("effective access (sweep): %d permissions allowed", len(a.Allowed)))
			for _, perm := range a.Allowed {
				p.Grid = append(p.Grid, gridEntry(perm, true, ""))
			}
		}
	}
	// The snapshot's verdict (GATE-3) when it was made; else the access
	// diff from the base (GATE-4), which informs and does not fail.
	what := "the snapshot (" + r.In.Snapshot + ")"
	for _, sc := range r.snapshotChanges {
		if sc.Subject.Key() == s.Key() {
			p.Failed = true
			p.Changes = append(p.Changes, sc.Changes...)
		}
	}
	if len(p.Changes) == 0 && r.diff != nil {
		what = "the base (" + r.diff.Base + ")"
		for _, ds := range r.diff.Subjects {
			if ds.Subject == s.String() {
				p.Changes = append(p.Changes, ds.Changes...)
			}
		}
	}
	if len(p.Changes) > 0 {
		p.Summary = append(p.Summary, fmt.Sprintf("against %s: %d permissions differ", what, len(p.Changes)))
	}
	for _, c := range p.Changes {
		mismatch := "gained against " + what
		if !c.Gained {
			mismatch = "lost against " + what
		}
		p.Grid = append(p.Grid, report.GridEntry{Scope: c.Scope, Resource: resourceOfChange(c), Verb: verbOfChange(c), Allowed: c.Gained, Mismatch: mismatch})
	}
	newFindings := 0
	for _, f := range r.findingsBySubject[s.Key()] {
		p.Findings = append(p.Findings, f)
		if f.New {
			newFindings++
			p.Failed = true
		}
	}
	if r.findingsDone {
		p.Summary = append(p.Summary, fmt.Sprintf("audit: %d dangerous grants, %d new", len(p.Findings), newFindings))
	}
	return p
}

func gridEntry(p effective.Permission, allowed bool, mismatch string) report.GridEntry {
	return report.GridEntry{Scope: report.ScopeOf(p.Namespace), Resource: report.ResourceLabel(p.Group, p.Resource, p.Subresource, p.Name, p.URL),
		Verb: p.Verb, Allowed: allowed, Mismatch: mismatch}
}

// A Change's Permission is "verb resource-label" (permissionText).
func verbOfChange(c report.Change) string {
	v, _, _ := cutSpace(c.Permission)
	return v
}

func resourceOfChange(c report.Change) string {
	_, res, _ := cutSpace(c.Permission)
	return res
}

func cutSpace(s string) (string, string, bool) {
	for i := range s {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func joinFiles(files []string) string {
	s := ""
	for i, f := range files {
		if i > 0 {
			s += ", "
		}
		s += f
	}
	return s
}

func writeFile(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), data, 0o644)
}
