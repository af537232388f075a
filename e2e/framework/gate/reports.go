package gate

import "rbac-e2e/e2e/framework/report"

// writeSubjectReport writes a subject's reports and returns the path of the
// one people read first.
func (r *Run) writeSubjectReport(m report.Matrix) (string, error) {
	return m.Write(r.In.ReportDir())
}
