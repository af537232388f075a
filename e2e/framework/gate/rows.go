package gate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/report"
)

// RowsError is a subject whose rows failed: Error tells every failing row
// (up to MessageRows), GomegaString only the count, so a failed Expect
// does not print the story twice.
type RowsError struct {
	Subject      string
	Failed, Rows int
	Report       string
	Lines        []string
}

func (e *RowsError) Error() string {
	msg := fmt.Sprintf("%s: %d of %d rows failed (report: %s)\n\n", e.Subject, e.Failed, e.Rows, e.Report)
	lines := e.Lines
	if len(lines) > MessageRows {
		msg += fmt.Sprintf("the first %d:\n\n", MessageRows)
		lines = lines[:MessageRows]
	}
	return msg + strings.Join(lines, "\n")
}

func (e *RowsError) GomegaString() string {
	return fmt.Sprintf("(%s: %d of %d rows failed)", e.Subject, e.Failed, e.Rows)
}

// CheckSubject acts as one subject of the access matrices, checks all its
// rows (Rows), writes its reports and returns a *RowsError when a row
// failed.
func (r *Run) CheckSubject(ctx context.Context, sc matrix.SubjectChecks) error {
	subject, err := r.subjectFor(ctx, sc.Subject)
	if err != nil {
		return err
	}
	m, failures, grid := r.rowsWithGrid(ctx, sc, subject)
	r.addReport(m)
	path, err := r.writeSubjectReport(sc.Subject, m, grid)
	if err != nil {
		return err
	}
	r.In.logf("%s: %s; report: %s\n", sc.Subject, m.Line(), path)
	if len(failures) > 0 {
		return &RowsError{Subject: sc.Subject.String(), Failed: len(failures), Rows: len(sc.Checks), Report: path, Lines: failures}
	}
	return nil
}

// Rows checks every row of a subject, Workers at a time, then checks the
// failing ones again until they pass or RBACTimeout since the apply ran
// out. It returns the subject's report and one message per failing row:
// file:line, field, what was asked and what each channel and the review
// got. A row with no harmless request (matrix.Check.Plan) is judged by the
// access review alone.
func (r *Run) Rows(ctx context.Context, sc matrix.SubjectChecks, subject access.Subject) (report.Matrix, []string) {
	m, failures, _ := r.rowsWithGrid(ctx, sc, subject)
	return m, failures
}

func (r *Run) rowsWithGrid(ctx context.Context, sc matrix.SubjectChecks, subject access.Subject) (report.Matrix, []string, []report.GridEntry) {
	do := r.checkFunc(subject)
	started := time.Now()
	results, took := matrix.Run(ctx, sc.Checks, Workers, do)
	r.recheckFailing(ctx, sc.Checks, results, do)
	m := report.Matrix{Subject: sc.Subject.String(), Detail: subject.String(), Files: FilesOf(sc.Checks),
		RunID: r.In.RunID, Started: started, Duration: took}
	var failures []string
	var grid []report.GridEntry
	for i, c := range sc.Checks {
		m.Rows = append(m.Rows, report.RowOf(c, results[i]))
		grid = append(grid, report.GridEntryOf(c, results[i]))
		if err := results[i].Err(); err != nil {
			failures = append(failures, fmt.Sprintf("%s (%s) %s: %v", c.Row, c.Row.Field, c.Target(), err))
		}
	}
	return m, failures, grid
}

func (r *Run) checkFunc(subject access.Subject) func(context.Context, matrix.Check) access.Result {
	aggregated := func(gv schema.GroupVersion) bool { return r.aggregated[gv] != "" }
	return func(ctx context.Context, c matrix.Check) access.Result {
		req, reviewOnly := c.PlanOn(aggregated)
		if reviewOnly != "" {
			return r.In.Checker.ReviewOnly(ctx, subject, req, c.Expectation(), reviewOnly)
		}
		res := r.In.Checker.Do(ctx, subject, req, c.Expectation())
		if len(res.Failures()) == 0 {
			// Only failures show bodies; tens of thousands of list answers need not stay in memory.
			for i := range res.Outcomes {
				res.Outcomes[i].Body = nil
			}
		}
		return res
	}
}

// recheckFailing checks the rows that failed the full pass again, every
// PollInterval, until they pass or RBACTimeout since the apply ran out:
// the authorizer saw the gate's own RBAC, made after the manifests, before
// any row ran (newImpersonator), but what the controller manager derives
// from the manifests (aggregated ClusterRoles) may come later. results are
// updated in place.
func (r *Run) recheckFailing(ctx context.Context, checks []matrix.Check, results []access.Result, do func(context.Context, matrix.Check) access.Result) {
	failing := func() []int {
		var idx []int
		for i := range results {
			if len(results[i].Failures()) > 0 {
				idx = append(idx, i)
			}
		}
		return idx
	}
	idx := failing()
	deadline := r.Applied.Add(r.In.RBACTimeout)
	if len(idx) == 0 || time.Now().After(deadline) {
		return
	}
	r.In.logf("%d rows failed the full pass; checking them again until they pass or until %s (%s after the apply): RBAC the controller manager derives from the manifests may reach the authorizer later\n",
		len(idx), deadline.Format(time.TimeOnly), r.In.RBACTimeout)
	start := time.Now()
	// The bound schedules attempts; an attempt runs on ctx, so the bound
	// running out never cuts one short into "no answer".
	_ = wait.PollUntilContextTimeout(ctx, r.In.PollInterval, time.Until(deadline), false, func(context.Context) (bool, error) {
		again := make([]matrix.Check, len(idx))
		for j, i := range idx {
			again[j] = checks[i]
		}
		res, _ := matrix.Run(ctx, again, Workers, do)
		for j, i := range idx {
			results[i] = res[j]
		}
		idx = failing()
		return len(idx) == 0, nil
	})
	r.In.logf("after %s of checking again: %d rows still fail\n", time.Since(start).Round(time.Millisecond), len(idx))
}

// FilesOf lists the files checks come from, in first-seen order.
func FilesOf(checks []matrix.Check) []string {
	var files []string
	for _, c := range checks {
		if !slices.Contains(files, c.Row.File) {
			files = append(files, c.Row.File)
		}
	}
	return files
}
