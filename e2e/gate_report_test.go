package e2e

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/report"
	"rbac-e2e/e2e/framework/suite"
)

// gate2WrongMatrix says test-in-cluster:default cannot list pods, which
// the shipped manifests allow (default-view binds view): the gate must
// fail on row 5.
const gate2WrongMatrix = `# GATE-2's deliberately wrong matrix: default-view lets this ServiceAccount list pods.
subjects:
  - serviceAccount: test-in-cluster/default
rows:
  - verbs: list
    resources: v1/pods
    allowed: false
`

const gate2WrongLine = 5

// GATE-2 asserted: the gate is run on a deliberately wrong matrix as a
// nested run of this very suite binary against the gate's cluster, and
// what it leaves behind is read as a team would read it. A nested run, not
// a call into the gate's code: the JUnit file, the reports and the exported
// logs are made by the same code paths as in a real run, and the nested
// run's failure stays out of this run's reports (its output goes to a
// file; one summary line comes here). It checks the manifests this run's
// gate applied (E2E_GATE_APPLIED) and starts as soon as they are in
// effect, so it runs while the gate's other specs do; the spec waits for
// it last.
var gateReportLabels = Label("GATE-2", "gate-report")

// gateReportSelected tells whether this run starts the nested run.
func gateReportSelected() bool {
	return settings.ParentRunID == "" && gateSpecSelected(gateReportLabels)
}

// nestedGate is the nested run of GATE-2, started by the gate's BeforeAll.
type nestedGate struct {
	tmp, fixtures, artifacts, junit, output, row string
	cancel                                       context.CancelFunc
	done                                         chan struct{}
	err                                          error
	took                                         time.Duration
	keep                                         bool // the spec failed: the files stay for a look
}

// startNestedGate starts the gate on the wrong matrix against env's
// cluster, where this run's gate has applied the manifests.
func startNestedGate(env *suite.Environment) (*nestedGate, error) {
	tmp, err := os.MkdirTemp("", "rbac-e2e-gate2-")
	if err != nil {
		return nil, err
	}
	n := &nestedGate{tmp: tmp, fixtures: filepath.Join(tmp, "fixtures"), artifacts: filepath.Join(tmp, "artifacts"),
		junit: filepath.Join(tmp, "junit.xml"), output: filepath.Join(tmp, "output.txt"), done: make(chan struct{})}
	if err := os.MkdirAll(n.fixtures, 0o755); err != nil {
		return nil, err
	}
	matrixFile := filepath.Join(n.fixtures, "wrong.yaml")
	if err := os.WriteFile(matrixFile, []byte(gate2WrongMatrix), 0o644); err != nil {
		return nil, err
	}
	n.row = fmt.Sprintf("%s:%d", matrixFile, gate2WrongLine)
	out, err := os.Create(n.output)
	if err != nil {
		return nil, err
	}
	// Not the BeforeAll's context: the run outlives it. stop ends it.
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	// The rows' specs alone: GATE-2 is about what a failing row leaves behind.
	cmd := exec.CommandContext(ctx, suiteBinary(), "-ginkgo.label-filter=gate && !snapshot && !access-diff && !audit && !bench-sweep && !gate-report", "-ginkgo.junit-report="+n.junit, "-ginkgo.no-color")
	// Later entries win: these override what this run was given.
	cmd.Env = append(os.Environ(),
		"E2E_KUBECONFIG="+gateKubeconfig(env),
		"E2E_ALLOW_EXISTING_CLUSTER=true",
		"E2E_GATE_FIXTURES="+n.fixtures,
		"E2E_GATE_BASE=", // the rows alone: no access diff in the nested run
		"E2E_GATE_APPLIED=true",
		"ARTIFACTS="+n.artifacts,
		"E2E_PARENT_RUN_ID="+env.RunID,
		// The wrong row fails for good; its re-poll needs no full RBAC bound.
		// The gate's own RBAC still has to take effect within it (well under 1 s here).
		"E2E_RBAC_TIMEOUT=5s", // times E2E_TIMEOUT_SCALE, as this run's bounds
	)
	// Interrupted, the nested run gets Ctrl-C, not SIGKILL, so it removes what it made.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	cmd.Stdout, cmd.Stderr = out, out
	fmt.Fprintf(GinkgoWriter, "running the gate on %s as a nested run (output: %s)\n", matrixFile, n.output)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		out.Close()
		cancel()
		return nil, fmt.Errorf("starting the nested run: %w", err)
	}
	go func() {
		defer close(n.done)
		defer out.Close()
		n.err = cmd.Wait()
		n.took = time.Since(start).Round(100 * time.Millisecond)
	}()
	return n, nil
}

// gateKubeconfig is the admin kubeconfig of the gate's cluster.
func gateKubeconfig(env *suite.Environment) string {
	if env.Cluster != nil && env.Cluster.KubeconfigPath != "" {
		return env.Cluster.KubeconfigPath
	}
	return settings.Kubeconfig
}

// wait returns once the nested run ended (or ctx did).
func (n *nestedGate) wait(ctx context.Context) error {
	select {
	case <-n.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop interrupts the nested run if it still runs, waits for it (it
// removes what it made), and removes its files unless the spec failed.
func (n *nestedGate) stop() {
	n.cancel()
	<-n.done
	if n.keep {
		fmt.Fprintf(GinkgoWriter, "the nested run's files are kept in %s\n", n.tmp)
		return
	}
	_ = os.RemoveAll(n.tmp)
}

// expectNestedGateFailed is GATE-2's spec: the nested run failed, and its
// JUnit, pages, per-check report and kind logs say so as a team reads them.
func expectNestedGateFailed(ctx context.Context, n *nestedGate, env *suite.Environment) {
	DeferCleanup(func() { n.keep = CurrentSpecReport().Failed() })
	Expect(n).NotTo(BeNil(), "the gate's set-up did not start the nested run")
	Expect(n.wait(ctx)).To(Succeed(), "waiting for the nested run (output: %s)", n.output)
	runErr, row, junit, artifacts := n.err, n.row, n.junit, n.artifacts
	counts := junitCounts(junit)
	fmt.Fprintf(GinkgoWriter, "nested gate run: %s after %s; %s; output: %s\n", exitText(runErr), n.took, counts, n.output)

	var exit *exec.ExitError
	Expect(errors.As(runErr, &exit)).To(BeTrue(),
		"the gate on a wrong matrix (%s says test-in-cluster:default cannot list pods; default-view allows it) must fail with a non-zero exit, but the nested run %s (%s; output: %s)",
		row, exitText(runErr), counts, n.output)

	xmlBody, err := os.ReadFile(junit)
	Expect(err).NotTo(HaveOccurred(), "the nested run's JUnit report")
	Expect(string(xmlBody)).To(ContainSubstring(row), "the JUnit report %s names the failing row", junit)
	for _, ch := range []string{"client-go", "http"} {
		Expect(string(xmlBody)).To(MatchRegexp(`%s[^\n]*200 OK`, regexp.QuoteMeta(ch)),
			"the JUnit report %s says what %s got for %s (200 OK)", junit, ch, row)
	}

	subject := "ServiceAccount test-in-cluster/default"
	pagePath := filepath.Join(artifacts, "gate", report.FileName(subject))
	page, err := os.ReadFile(pagePath)
	Expect(err).NotTo(HaveOccurred(), "the nested run's page for %s", subject)
	Expect(string(page)).To(ContainSubstring("## Access grid"), "the page %s has an access grid", pagePath)
	Expect(string(page)).To(MatchRegexp(`\| pods \|[^\n]*\*\*✔\*\*⚠`), "the page %s marks the mismatch of list pods (allowed, expected denied) in its grid", pagePath)
	Expect(string(page)).To(ContainSubstring(row), "the page %s explains the mismatch with the row %s", pagePath, row)
	Expect(string(page)).To(ContainSubstring("("+report.ChecksFileName(subject)+")"), "the page %s links the per-check report", pagePath)
	_, err = os.Stat(filepath.Join(artifacts, "gate", report.JSONFileName(subject)))
	Expect(err).NotTo(HaveOccurred(), "the page's JSON beside it")

	reportPath := filepath.Join(artifacts, "gate", report.ChecksFileName(subject))
	md, err := os.ReadFile(reportPath)
	Expect(err).NotTo(HaveOccurred(), "the nested run's per-check report")
	Expect(string(md)).To(ContainSubstring("| client-go | http | review |"), "the report %s has a column per channel", reportPath)
	line := lineWith(string(md), row)
	Expect(line).NotTo(BeEmpty(), "the report %s names the failing row %s", reportPath, row)
	Expect(line).To(ContainSubstring("**FAIL**"), "the report %s marks %s failed", reportPath, row)
	Expect(strings.Count(line, "**200 OK**")).To(Equal(2), "the report %s shows what client-go and http got for %s: %s", reportPath, row, line)

	if env.Cluster == nil {
		fmt.Fprintf(GinkgoWriter, "GATE-2: the nested run failed; its JUnit and %s name %s with what client-go and http got; not a kind cluster reachable through the local Docker engine: its kind logs are not asserted\n",
			filepath.Base(reportPath), row)
		return
	}
	logs := filepath.Join(artifacts, "kind-logs")
	entries, err := os.ReadDir(logs)
	Expect(err).NotTo(HaveOccurred(), "the failed nested run exports the kind cluster's logs to %s", logs)
	Expect(entries).NotTo(BeEmpty(), "the kind logs folder %s of the failed nested run is empty", logs)
	fmt.Fprintf(GinkgoWriter, "GATE-2: the nested run failed; its JUnit and %s name %s with what client-go and http got; kind logs exported (%d entries)\n",
		filepath.Base(reportPath), row, len(entries))
}

// suiteBinary is this very test binary. On Linux /proc/self/exe, not
// os.Args[0]: ginkgo builds the binary into the package folder, and another
// ginkgo run of the same working tree replaces or removes it when it ends;
// the running process's own image stays reachable there.
func suiteBinary() string {
	if _, err := os.Stat("/proc/self/exe"); err == nil {
		return "/proc/self/exe"
	}
	return os.Args[0]
}

// junitCounts reads a JUnit report's totals, for the summary line.
func junitCounts(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "no JUnit report"
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil {
		return fmt.Sprintf("unreadable JUnit report: %v", err)
	}
	return fmt.Sprintf("JUnit: %d specs, %d failed, %d errors", suites.Tests, suites.Failures, suites.Errors)
}

func exitText(err error) string {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "passed (exit 0)"
	case errors.As(err, &exit):
		return fmt.Sprintf("failed (exit %d)", exit.ExitCode())
	}
	return fmt.Sprintf("did not run: %v", err)
}

func lineWith(text, sub string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}
