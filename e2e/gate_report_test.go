package e2e

import (
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
// nested run of this very suite binary against this run's cluster, and what
// it leaves behind is read as a team would read it. A nested run, not a
// call into the gate's code: the JUnit file, the reports and the exported
// logs are made by the same code paths as in a real run, and the nested
// run's failure stays out of this run's reports (its output goes to a
// file; one summary line comes here).
var _ = Describe("RBAC gate reports", Label("gate", "GATE-2"), Serial, func() {
	It("GATE-2: a failing gate names the row and what each channel got, in its report and JUnit, and exports the cluster's logs", func(ctx SpecContext) {
		if settings.ParentRunID != "" {
			Skip("a nested run (E2E_PARENT_RUN_ID is set) does not start another one")
		}
		tmp, err := os.MkdirTemp("", "rbac-e2e-gate2-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() {
			if CurrentSpecReport().Failed() {
				fmt.Fprintf(GinkgoWriter, "the nested run's files are kept in %s\n", tmp)
				return
			}
			_ = os.RemoveAll(tmp)
		})
		fixtures, artifacts := filepath.Join(tmp, "fixtures"), filepath.Join(tmp, "artifacts")
		junit, output := filepath.Join(tmp, "junit.xml"), filepath.Join(tmp, "output.txt")
		Expect(os.MkdirAll(fixtures, 0o755)).To(Succeed())
		matrixFile := filepath.Join(fixtures, "wrong.yaml")
		Expect(os.WriteFile(matrixFile, []byte(gate2WrongMatrix), 0o644)).To(Succeed())
		row := fmt.Sprintf("%s:%d", matrixFile, gate2WrongLine)

		kubeconfig := settings.Kubeconfig
		if kubeconfig == "" {
			kubeconfig = runEnv.Cluster.KubeconfigPath
		}
		out, err := os.Create(output)
		Expect(err).NotTo(HaveOccurred())
		defer out.Close()
		// The rows' specs alone: GATE-2 is about what a failing row leaves behind.
		cmd := exec.CommandContext(ctx, suiteBinary(), "-ginkgo.label-filter=gate && !snapshot && !access-diff && !audit && !bench-sweep", "-ginkgo.junit-report="+junit, "-ginkgo.no-color")
		// Later entries win: these override what this run was given.
		cmd.Env = append(os.Environ(),
			"E2E_KUBECONFIG="+kubeconfig,
			"E2E_ALLOW_EXISTING_CLUSTER=true",
			"E2E_GATE_FIXTURES="+fixtures,
			"E2E_GATE_BASE=", // the rows alone: no access diff in the nested run
			"ARTIFACTS="+artifacts,
			"E2E_PARENT_RUN_ID="+runEnv.RunID,
			// The wrong row fails for good; its re-poll needs no full RBAC bound.
			// The gate's own RBAC still has to take effect within it (well under 1 s here).
			"E2E_RBAC_TIMEOUT=5s", // times E2E_TIMEOUT_SCALE, as this run's bounds
		)
		// Interrupted, the nested run gets Ctrl-C, not SIGKILL, so it removes what it applied.
		cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
		cmd.WaitDelay = time.Minute
		cmd.Stdout, cmd.Stderr = out, out
		fmt.Fprintf(GinkgoWriter, "running the gate on %s as a nested run (output: %s)\n", matrixFile, output)
		start := time.Now()
		runErr := cmd.Run()
		took := time.Since(start).Round(time.Second)
		counts := junitCounts(junit)
		fmt.Fprintf(GinkgoWriter, "nested gate run: %s after %s; %s; output: %s\n", exitText(runErr), took, counts, output)

		var exit *exec.ExitError
		Expect(errors.As(runErr, &exit)).To(BeTrue(),
			"the gate on a wrong matrix (%s says test-in-cluster:default cannot list pods; default-view allows it) must fail with a non-zero exit, but the nested run %s (%s; output: %s)",
			row, exitText(runErr), counts, output)

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

		if runEnv.Cluster == nil {
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
	}, NodeTimeout(10*time.Minute))
})

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
