package e2e

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

// checkWorkers bounds how many checks are in flight at once: each is two
// requests and a review, and the API server is shared with parallel specs.
const checkWorkers = 16

// servedChecks are the checks of every resource and subresource the cluster
// serves, in every group version, with each verb discovery lists for it
// (ServerGroupsAndResources: unlike the preferred-resources call it keeps
// subresources and non-preferred versions). Namespaced ones are made in
// namespace. Verbs the suite cannot send are printed, not dropped silently.
func servedChecks(ctx context.Context, f *framework.Framework, subject matrix.Subject, namespace string) []matrix.Check {
	GinkgoHelper()
	_, lists, err := discovery.ServerGroupsAndResources(f.Admin.Discovery())
	if err != nil && len(lists) == 0 {
		Fail(fmt.Sprintf("discovery: %v", err))
	}
	if err != nil {
		// A group that does not answer (an aggregated API down) is not
		// served; say which, as its resources go untried.
		AddReportEntry("AUTHZ-6: discovery incomplete, these groups untried", err.Error())
	}
	checks, skipped := matrix.ServedChecks(lists, subject, namespace)
	Expect(checks).NotTo(BeEmpty(), "checks from discovery")
	if len(skipped) > 0 {
		AddReportEntry("AUTHZ-6: verbs discovery lists that no request carries, not tried", strings.Join(skipped, ", "))
	}
	return checks
}

// aggregatedOn is matrix.Check.PlanOn's test for group versions served by an
// aggregated API server, from the cluster's APIServices.
func aggregatedOn(ctx context.Context, f *framework.Framework) func(schema.GroupVersion) bool {
	GinkgoHelper()
	agg, err := matrix.Aggregated(ctx, f.Env.Dynamic)
	Expect(err).NotTo(HaveOccurred())
	return func(gv schema.GroupVersion) bool { _, ok := agg[gv]; return ok }
}

// checkAll makes every check as s in its harmless form (matrix.Check.PlanOn:
// through both channels and the review, or by the review alone where
// sending could change something), at most checkWorkers at a time, and
// returns what each got.
func checkAll(ctx context.Context, f *framework.Framework, s access.Subject, checks []matrix.Check, aggregated func(schema.GroupVersion) bool) []access.Result {
	res, _ := matrix.Run(ctx, checks, checkWorkers, func(ctx context.Context, c matrix.Check) access.Result {
		r, why := c.PlanOn(aggregated)
		if why != "" {
			return f.Checker.ReviewOnly(ctx, s, r, c.Expectation(), why)
		}
		return f.Checker.Do(ctx, s, r, c.Expectation())
	})
	return res
}

// expectAllMet fails naming every check that missed (one line each, the
// whole report of the first few), and otherwise returns how many requests
// went through both channels and the channels' status codes by count.
func expectAllMet(what string, results []access.Result) (sent int, codes map[int]int) {
	GinkgoHelper()
	codes = map[int]int{}
	var lines, reports, reviewOnly []string
	for _, res := range results {
		if res.ReviewOnly == "" {
			sent++
		} else {
			reviewOnly = append(reviewOnly, fmt.Sprintf("  %s: %s", res.Request.Target(), res.ReviewOnly))
		}
		for _, o := range res.Outcomes {
			codes[o.Code]++
		}
		fails := res.Failures()
		if len(fails) == 0 {
			continue
		}
		var got []string
		for _, o := range res.Outcomes {
			got = append(got, fmt.Sprintf("%s %d", o.Channel, o.Code))
		}
		if res.Review != nil {
			got = append(got, "review "+res.Review.String())
		}
		lines = append(lines, fmt.Sprintf("  as %s: %s: expected %s; %s; got %s", res.Subject.User, res.Request, res.Expect, strings.Join(fails, "; "), strings.Join(got, ", ")))
		if len(reports) < 3 {
			reports = append(reports, res.Report())
		}
	}
	if len(reviewOnly) > 0 {
		GinkgoWriter.Printf("%s: judged by the access review alone:\n%s\n", what, strings.Join(reviewOnly, "\n"))
	}
	if len(lines) > 0 {
		Fail(fmt.Sprintf("%s: %d of %d checks missed:\n%s\nfirst reports:\n%s",
			what, len(lines), len(results), strings.Join(lines, "\n"), strings.Join(reports, "\n")))
	}
	return sent, codes
}

// codesText is a code histogram as "404×310, 400×92".
func codesText(codes map[int]int) string {
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(codes)) {
		parts = append(parts, fmt.Sprintf("%d×%d", c, codes[c]))
	}
	return strings.Join(parts, ", ")
}
