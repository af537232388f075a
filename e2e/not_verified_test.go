package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"rbac-e2e/e2e/framework/suite"
)

// The closing summary: every scenario ID (from the labels of every spec,
// those the label filter left out included) not verified on this cluster,
// and why, as a loud block on stdout and in $ARTIFACTS/not-verified.txt.
// E2E_REQUIRE_ALL=true makes any such ID fail the run.
var _ = ReportAfterSuite("scenario IDs not verified on this cluster", func(r Report) {
	if r.SuiteConfig.DryRun {
		return
	}
	outcomes := specOutcomes(r)
	unverified, total := suite.NotVerified(outcomes, r.SuiteConfig.LabelFilter)
	where := thisRun.ClusterDesc
	if where == "" {
		where = "this cluster"
	}
	block := suite.FormatNotVerified(unverified, total, where)
	if total == 0 {
		block = "NOT VERIFIED: no spec ran, so no scenario ID was verified (the suite's set-up failed or the run was interrupted)\n"
	}
	path := filepath.Join(settings.Artifacts, "not-verified.txt")
	if err := os.WriteFile(path, []byte(block), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "writing %s: %v\n", path, err)
	}
	// Straight to the terminal: GinkgoWriter shows only on failure or -v.
	fmt.Fprint(os.Stdout, "\n"+block)
	if settings.RequireAll && (len(unverified) > 0 || total == 0) {
		ids := make([]string, len(unverified))
		for i, u := range unverified {
			ids[i] = u.ID
		}
		Fail(fmt.Sprintf("E2E_REQUIRE_ALL=true and %d scenario IDs were not verified on %s: %s (why: %s)",
			len(unverified), where, strings.Join(ids, ", "), path))
	}
})

// specOutcomes turns the report's specs into what the summary needs.
func specOutcomes(r Report) []suite.SpecOutcome {
	filter, err := types.ParseLabelFilter(r.SuiteConfig.LabelFilter)
	if err != nil {
		filter = func([]string) bool { return true }
	}
	interrupted := false
	for _, reason := range r.SpecialSuiteFailureReasons {
		interrupted = interrupted || strings.Contains(reason, "Interrupted")
	}
	var out []suite.SpecOutcome
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		o := suite.SpecOutcome{Text: sr.FullText(), Labels: sr.Labels()}
		msg := sr.Failure.Message
		switch {
		case sr.State == types.SpecStatePassed:
			o.State = suite.SpecPassed
		case sr.State.Is(types.SpecStateFailureStates):
			o.State, o.Reason = suite.SpecFailed, msg
		case sr.State == types.SpecStateSkipped && msg != "" && !strings.HasPrefix(msg, "Spec skipped because an earlier spec"):
			o.State, o.Reason = suite.SpecSkipped, msg
		case !filter(sr.Labels()):
			o.State = suite.SpecNotSelected
		default:
			o.State = suite.SpecNotRun
			switch {
			case interrupted:
				o.Reason = "the run was interrupted"
			case msg != "":
				o.Reason = msg
			case sr.State == types.SpecStatePending:
				o.Reason = "pending"
			default:
				o.Reason = "left out by --focus/--skip, or the run ended early"
			}
		}
		out = append(out, o)
	}
	return out
}
