package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/report"
)

func checks(t *testing.T) []matrix.Check {
	t.Helper()
	m, err := matrix.Parse("fixtures/access/v.yaml", []byte(`subjects: [{serviceAccount: ns-1/default}]
rows:
  - verbs: list
    resources: v1/pods
    allowed: true
  - verbs: get
    resources: v1/secrets
    namespaces: ns-1
    allowed: false
    note: view leaves Secrets out
`))
	if err != nil {
		t.Fatal(err)
	}
	return m.Checks
}

func TestReportFailuresFirst(t *testing.T) {
	cs := checks(t)
	sa := access.NewSubject("system:serviceaccount:ns-1:default", "secret-token")
	outcome := func(code int) []access.ChannelOutcome {
		o := access.Outcome{Code: code}
		if code == 403 {
			o.Reason, o.Message = metav1.StatusReasonForbidden, `secrets "x" is forbidden: User "system:serviceaccount:ns-1:default" cannot get | pipes`
		}
		return []access.ChannelOutcome{{Channel: "client-go", Outcome: o}, {Channel: "http", Outcome: o}}
	}
	pass := access.Result{Subject: sa, Request: cs[0].Request(), Expect: cs[0].Expectation(), Outcomes: outcome(200), Review: &access.Review{Allowed: true}}
	// The Secret row gets 200 where 403 is expected: a widened role.
	fail := access.Result{Subject: sa, Request: cs[1].Request(), Expect: cs[1].Expectation(), Outcomes: outcome(200), Review: &access.Review{Allowed: true}}
	m := report.Matrix{
		Subject: "ServiceAccount ns-1/default", Detail: sa.String(), Files: []string{"fixtures/access/v.yaml"},
		RunID: "run-1", Started: time.Unix(0, 0), Duration: 500 * time.Millisecond,
		Rows: []report.Row{report.RowOf(cs[0], pass), report.RowOf(cs[1], fail)},
	}
	if m.Failed() != 1 || m.ChecksPerSecond() != 4 {
		t.Errorf("Failed() = %d, ChecksPerSecond() = %f", m.Failed(), m.ChecksPerSecond())
	}
	md := m.Markdown()
	for _, want := range []string{
		"# Access matrix: ServiceAccount ns-1/default",
		"**FAILED**: 2 checks, 1 failed, in 500ms (4 checks/s)",
		"| result | row | check | expected | client-go | http | review |",
		"fixtures/access/v.yaml:6 (rows[1])",
		"view leaves Secrets out",
		"**200 OK**", "**allowed=true**",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	failAt, passAt := strings.Index(md, "rows[1]"), strings.Index(md, "rows[0]")
	if failAt < 0 || passAt < 0 || failAt > passAt {
		t.Errorf("the failed row is not listed first:\n%s", md)
	}
	if strings.Contains(md, "secret-token") {
		t.Errorf("report leaks the token:\n%s", md)
	}
	for _, line := range strings.Split(strings.TrimSpace(md), "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, " | ")-strings.Count(line, `\|`) != 6 {
			t.Errorf("table line has the wrong number of cells: %s", line)
		}
	}

	dir := t.TempDir()
	path, err := m.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "ServiceAccount_ns-1_default.md" {
		t.Errorf("report file %s", path)
	}
	if b, _ := os.ReadFile(path); string(b) != md {
		t.Error("the written report differs from Markdown()")
	}
	sum, err := report.WriteSummary(dir, "run-1", []report.Matrix{m})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(sum)
	for _, want := range []string{"[ServiceAccount ns-1/default](ServiceAccount_ns-1_default.md) | **FAILED** | 2 | 1 | 0 | 500ms | 4 |", "**Total**: 2 checks, 1 failed", "4 checks/s"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("summary lacks %q:\n%s", want, b)
		}
	}
}

// TestReportReviewOnly: a row judged by the access review alone is marked
// as such, its channels say "not sent", and the header and summary count it.
func TestReportReviewOnly(t *testing.T) {
	m0, err := matrix.Parse("fixtures/access/u.yaml", []byte(`subjects: [{serviceAccount: ns-1/default}]
rows:
  - verbs: get
    urls: /metrics
    allowed: false
  - verbs: put
    urls: /debug/flags/v
    allowed: false
`))
	if err != nil {
		t.Fatal(err)
	}
	sa := access.NewSubject("system:serviceaccount:ns-1:default", "secret-token")
	get, put := m0.Checks[0], m0.Checks[1]
	forbidden := access.Outcome{Code: 403, Reason: metav1.StatusReasonForbidden, Message: `forbidden: User "system:serviceaccount:ns-1:default" cannot get path "/metrics"`}
	sent := access.Result{Subject: sa, Request: get.Request(), Expect: get.Expectation(),
		Outcomes: []access.ChannelOutcome{{Channel: "client-go", Outcome: forbidden}, {Channel: "http", Outcome: forbidden}}, Review: &access.Review{}}
	req, why := put.Plan()
	if why == "" {
		t.Fatalf("put %s is planned to be sent", put.URL)
	}
	reviewed := access.Result{Subject: sa, Request: req, Expect: put.Expectation(), ReviewOnly: why, Review: &access.Review{}}
	m := report.Matrix{Subject: "ServiceAccount ns-1/default", Duration: time.Second,
		Rows: []report.Row{report.RowOf(get, sent), report.RowOf(put, reviewed)}}
	if m.ReviewOnly() != 1 || m.Failed() != 0 {
		t.Fatalf("ReviewOnly() = %d, Failed() = %d", m.ReviewOnly(), m.Failed())
	}
	md := m.Markdown()
	for _, want := range []string{
		"**PASSED**: 2 checks, 0 failed, 1 review only, in 1s",
		"- review only (1): rows marked *review only*",
		"| ok · *review only: sending it could change the server (a non-resource put reaches its handler as it is; nothing dry-runs it)* | fixtures/access/u.yaml:6 (rows[1]) |",
		"| not sent | not sent | denied |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(md), "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, " | ")-strings.Count(line, `\|`) != 6 {
			t.Errorf("table line has the wrong number of cells: %s", line)
		}
	}
	sum := report.Summary("run-1", []report.Matrix{m})
	for _, want := range []string{"| passed | 2 | 0 | 1 | 1s | 2 |", "1 of them review only"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}
