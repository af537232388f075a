package gate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"rbac-e2e/e2e/framework/audit"
	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/report"
)

// AuditError is the dangerous grants that fail the gate: neither
// allow-listed nor present at the base.
type AuditError struct {
	AllowList string
	New       []audit.Finding
}

func (e *AuditError) Error() string {
	lines := make([]string, len(e.New))
	for i, f := range e.New {
		lines[i] = "  " + f.Text() + "\n      " + f.Reason
	}
	return fmt.Sprintf("%d new dangerous grants (neither allow-listed in %s nor present at the base):\n%s\naccept one with an entry and a reason in %s, or remove the grant",
		len(e.New), e.AllowList, strings.Join(lines, "\n"), e.AllowList)
}

func (e *AuditError) GomegaString() string {
	return fmt.Sprintf("(%d new dangerous grants)", len(e.New))
}

// Audit fails with an *AuditError on a finding that is neither
// allow-listed nor present at the base (Input.Base; without a base: not
// allow-listed). Every finding, new ones first, goes on the subjects'
// pages and in audit.md.
func (r *Run) Audit(ctx context.Context) error {
	all, err := r.auditFindings(ctx)
	if err != nil {
		return err
	}
	var fresh []audit.Finding
	for _, f := range all {
		if f.Status == audit.StatusNew {
			fresh = append(fresh, f)
		}
	}
	c := audit.Count(all)
	r.In.logf("audit: %d findings (%+v); allow-list %s\n", len(all), c, r.In.AllowList)
	if len(fresh) > 0 {
		return &AuditError{AllowList: r.In.AllowList, New: fresh}
	}
	return nil
}

// Findings are the audit's findings for reports (the access diff's top).
func (r *Run) Findings(ctx context.Context) ([]report.Finding, error) {
	all, err := r.auditFindings(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]report.Finding, len(all))
	for i, f := range all {
		out[i] = reportFinding(f)
	}
	return out, nil
}

// auditFindings audits the working tree's effective access (once per run),
// marking what the allow-list accepts and what the base had.
func (r *Run) auditFindings(ctx context.Context) ([]audit.Finding, error) {
	r.auditOnce.Do(func() { r.audit, r.auditErr = r.runAudit(ctx) })
	return r.audit, r.auditErr
}

func (r *Run) runAudit(ctx context.Context) ([]audit.Finding, error) {
	head, err := r.Head(ctx)
	if err != nil {
		return nil, err
	}
	allow, err := audit.LoadAllowList("", r.In.AllowList)
	if err != nil {
		return nil, err
	}
	all := audit.Audit(audit.AuditInput{Snapshot: head.Access, RBAC: head.RBAC, Allow: allow})
	if r.base != nil {
		base := audit.Audit(audit.AuditInput{Snapshot: r.base.Access, RBAC: r.base.RBAC, Allow: allow})
		all = audit.WithBase(all, base)
	}
	by := map[string][]report.Finding{}
	keys := subjectKeys(head.Access)
	for _, f := range all {
		k := keys[f.SubjectKey]
		if k == "" {
			k = f.SubjectKey
		}
		by[k] = append(by[k], reportFinding(f))
	}
	r.mu.Lock()
	r.findingsBySubject, r.findingsDone = by, true
	r.mu.Unlock()
	if err := r.writeAudit(all); err != nil {
		return nil, err
	}
	return all, nil
}

// subjectKeys maps the audit's subject keys (groups sorted; a group as
// itself) to the sweep's matrix.Subject keys.
func subjectKeys(snap effective.Snapshot) map[string]string {
	out := map[string]string{}
	for _, a := range snap {
		out[auditKey(a.Subject)] = a.Subject.Key()
		if strings.HasPrefix(a.Subject.User, effective.GroupMemberPrefix) && len(a.Subject.Groups) == 1 {
			out["group:"+a.Subject.Groups[0]] = a.Subject.Key()
		}
	}
	return out
}

func auditKey(s matrix.Subject) string {
	if s.IsServiceAccount() {
		return "serviceaccount:" + s.ServiceAccount
	}
	k := "user:" + s.User
	if len(s.Groups) > 0 {
		g := slices.Clone(s.Groups)
		slices.Sort(g)
		k += " groups:" + strings.Join(g, ",")
	}
	return k
}

func reportFinding(f audit.Finding) report.Finding {
	rf := report.Finding{New: f.Status == audit.StatusNew, Risk: f.Title, Permission: f.Permission, Scope: f.Scope,
		Path: strings.Join(f.Paths, "; "), Rule: f.Rule}
	if rf.Permission == "" {
		rf.Permission = "(binding) " + f.Subject
	}
	switch f.Status {
	case audit.StatusAllowed:
		rf.Accepted = fmt.Sprintf("allow-listed (%s): %s", f.AllowedBy, f.AllowReason)
	case audit.StatusAtBase:
		rf.Accepted = "present at the base"
	}
	return rf
}

// writeAudit writes audit.md and audit.json into the report folder.
func (r *Run) writeAudit(all []audit.Finding) error {
	js, err := audit.JSON(all)
	if err != nil {
		return err
	}
	if err := writeFile(r.In.ReportDir(), "audit.json", js); err != nil {
		return err
	}
	return writeFile(r.In.ReportDir(), "audit.md", []byte("# Dangerous-grant audit\n\n"+audit.Markdown(all)))
}
