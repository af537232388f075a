package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/secrets"
)

// No token or secret the run minted or read may show in what it wrote or
// printed. Every process writes the hashes of what it tracked after each of
// its specs; once every spec has reported, process 1 scans the Ginkgo report
// (what becomes the console output and JUnit) and the artifacts folder for
// them. `make e2e-run` scans once more after ginkgo has exited, to cover
// junit.xml and the console log, which are written after this.

func credentialHashesDir() string { return filepath.Join(settings.Artifacts, secrets.HashesDir) }

var trackAdminOnce sync.Once

func writeCredentialHashes() error {
	trackAdminOnce.Do(func() {
		if runEnv != nil && runEnv.AdminConfig != nil {
			secrets.Track(string(runEnv.AdminConfig.KeyData))
			secrets.Track(runEnv.AdminConfig.BearerToken)
		}
	})
	return secrets.WriteHashes(credentialHashesDir(), GinkgoParallelProcess())
}

var _ = ReportAfterEach(func(SpecReport) {
	if suiteConfig, _ := GinkgoConfiguration(); suiteConfig.DryRun {
		return
	}
	Expect(writeCredentialHashes()).To(Succeed())
})

var _ = ReportAfterSuite("no credential in the run's output", func(r Report) {
	if r.SuiteConfig.DryRun {
		return
	}
	Expect(writeCredentialHashes()).To(Succeed())
	known, err := secrets.LoadHashes(credentialHashesDir())
	Expect(err).NotTo(HaveOccurred())
	known.Merge(secrets.Tracked())
	var leaks []secrets.Leak
	for _, spec := range reportTexts(r) {
		found := known.ScanTexts(spec.fields)
		if len(found) == 0 {
			found = known.ScanTexts(spec.rest)
		}
		leaks = append(leaks, found...)
	}
	dirLeaks, st, err := known.ScanDir(settings.Artifacts)
	Expect(err).NotTo(HaveOccurred())
	leaks = append(leaks, dirLeaks...)
	if len(leaks) > 0 {
		var lines []string
		for i, l := range leaks {
			if i == 50 {
				lines = append(lines, fmt.Sprintf("… and %d more", len(leaks)-50))
				break
			}
			lines = append(lines, l.String())
		}
		Fail(fmt.Sprintf("tracked credentials found in the run's output (values not shown): %d\n%s",
			len(leaks), strings.Join(lines, "\n")))
	}
	fmt.Fprintf(GinkgoWriter, "credential scan: no leak in the Ginkgo report (%d specs) or in %d files under %s (%d hashes of tracked credentials)\n",
		len(r.SpecReports), st.Files, settings.Artifacts, len(known))
})

// specTexts are the texts of one spec's report that are printed or
// written to JUnit, each named by spec and field, and the whole report as
// JSON (rest), for anything no field names.
type specTexts struct{ fields, rest []secrets.Text }

func reportTexts(r Report) []specTexts {
	var out []specTexts
	suite := specTexts{}
	for _, reason := range r.SpecialSuiteFailureReasons {
		suite.fields = append(suite.fields, secrets.Text{Where: "Ginkgo report: suite failure reason", Body: reason})
	}
	out = append(out, suite)
	for _, sr := range r.SpecReports {
		name := sr.FullText()
		if name == "" {
			name = sr.LeafNodeType.String()
		}
		var t specTexts
		add := func(to *[]secrets.Text, field, body string) {
			if body != "" {
				*to = append(*to, secrets.Text{Where: fmt.Sprintf("Ginkgo report: spec %q: %s", name, field), Body: body})
			}
		}
		add(&t.fields, "failure message", sr.Failure.Message)
		add(&t.fields, "forwarded panic", sr.Failure.ForwardedPanic)
		for _, af := range sr.AdditionalFailures {
			add(&t.fields, "additional failure", af.Failure.Message)
		}
		add(&t.fields, "GinkgoWriter output", sr.CapturedGinkgoWriterOutput)
		add(&t.fields, "stdout/stderr", sr.CapturedStdOutErr)
		for _, e := range sr.ReportEntries {
			add(&t.fields, "report entry "+e.Name, e.StringRepresentation())
			add(&t.fields, "report entry "+e.Name+" (JSON)", e.Value.AsJSON)
		}
		if whole, err := json.Marshal(sr); err == nil {
			add(&t.rest, "report (JSON)", string(whole))
		}
		out = append(out, t)
	}
	return out
}
