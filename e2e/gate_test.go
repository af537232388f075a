package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/report"
)

const (
	// gateFieldManager owns every field the gate applies.
	gateFieldManager = "rbac-e2e-gate"
	// gateWorkers bounds the checks in flight: each is three requests
	// (client-go, HTTP, review), and the API server's default in-flight
	// limits and fairness levels serve 32 at once without queueing.
	gateWorkers = 32
	// gateFirstRows are polled until they pass before the full pass: the
	// authorizer sees new RBAC through an informer, a moment after apply.
	gateFirstRows = 8
	// gateMessageRows bounds the failing rows spelled out in a spec's
	// failure message; the report lists every one.
	gateMessageRows = 100
)

var gateLabels = Label("gate", "GATE-1", "GATE-2")

// gateInput is the gate's local input, read while the spec tree is built so
// that a bad fixture or manifest stops the run before any cluster work
// (see beforeCluster).
var gateInput struct {
	matrix    *matrix.Matrix
	manifests []manifest.Object
	root      string
	err       error
}

func init() {
	beforeCluster = append(beforeCluster, func() error {
		if !gateLabels.MatchesLabelFilter(GinkgoLabelFilter()) {
			return nil
		}
		return gateInput.err
	})
}

func loadGateInput() {
	root, err := framework.ModuleRoot()
	if err != nil {
		gateInput.err = err
		return
	}
	gateInput.root = root
	objs, mErr := manifest.Load(root, settings.GateManifests)
	m, xErr := matrix.Load(root, settings.GateFixtures)
	gateInput.matrix, gateInput.manifests = m, objs
	if err := errors.Join(mErr, xErr); err != nil {
		gateInput.err = fmt.Errorf("the RBAC gate's input is invalid; nothing was sent to a cluster:\n%w", err)
	}
}

// The gate (GATE-1, GATE-2): a platform team's RBAC in manifests/ is applied
// once, then every row of the access matrices in fixtures/access/ is
// checked through both channels and an access review, and each subject's
// rows land in a Markdown report in the artifacts folder (JUnit XML comes
// from ginkgo). There is one spec per subject, not per row: tens of
// thousands of rows as specs would make a tree, a JUnit file and a log
// nobody reads, and would run one request chain at a time; per subject the
// rows run concurrently and a failure lists every failing row at once, so
// a change that breaks twenty rows says so in one go.
var _ = Describe("RBAC gate", gateLabels, Ordered, ContinueOnFailure, func() {
	loadGateInput()
	if gateInput.err != nil {
		// beforeCluster stops a run that selects the gate first; this spec
		// keeps the tree from ever hiding the problem.
		It("GATE-1: the access matrix and manifests load", func() { Fail(gateInput.err.Error()) })
		return
	}
	var (
		impersonator access.Subject
		reports      []report.Matrix
		failed       bool
	)
	reportDir := func() string { return filepath.Join(settings.Artifacts, "gate") }

	BeforeAll(func(ctx SpecContext) {
		env := framework.Env
		Expect(os.RemoveAll(reportDir())).To(Succeed()) // this run's reports only
		api, err := matrix.Discover(env.Admin.Discovery())
		Expect(err).NotTo(HaveOccurred())
		Expect(gateInput.matrix.CheckServed(api)).To(Succeed(), "the access matrix names what the cluster does not serve")

		applier := &manifest.Applier{
			Dynamic: env.Dynamic, Discovery: env.Admin.Discovery(), FieldManager: gateFieldManager,
			Labels: framework.ObjectLabels(), OwnedLabel: framework.ManagedByLabel, OwnedValue: framework.ManagedByValue,
			Log: GinkgoWriter,
		}
		var applied []manifest.Applied
		DeferCleanup(func(ctx context.Context) error {
			return applier.Delete(ctx, applied, 3*time.Minute)
		})
		// Registered after the removal, so it runs before it: the events of
		// the manifests' namespaces go with them.
		DeferCleanup(func(ctx context.Context) {
			if failed {
				path := filepath.Join(reportDir(), "events.txt")
				if err := framework.ExportEvents(ctx, env.Admin, path); err != nil {
					fmt.Fprintf(GinkgoWriter, "the cluster's events could not be exported: %v\n", err)
				}
			}
			if len(reports) > 0 {
				path, err := report.WriteSummary(reportDir(), env.RunID, reports)
				Expect(err).NotTo(HaveOccurred())
				fmt.Fprintf(GinkgoWriter, "gate summary: %s\n", path)
			}
		})
		applied, err = applier.Apply(ctx, gateInput.manifests)
		Expect(err).NotTo(HaveOccurred())

		if slices.ContainsFunc(gateInput.matrix.Checks, func(c matrix.Check) bool { return !c.Subject.IsServiceAccount() }) {
			impersonator = newImpersonator(ctx)
		}
	}, NodeTimeout(5*time.Minute))

	AfterEach(func() { failed = failed || CurrentSpecReport().Failed() })

	for _, sc := range gateInput.matrix.BySubject() {
		It(fmt.Sprintf("GATE-1, GATE-2: %s can do exactly what %s says", sc.Subject, strings.Join(filesOf(sc.Checks), ", ")), func(ctx SpecContext) {
			subject := gateSubject(ctx, sc.Subject, impersonator)
			m, failures := checkRows(ctx, sc, subject)
			reports = append(reports, m)
			path, err := m.Write(reportDir())
			Expect(err).NotTo(HaveOccurred())
			fmt.Fprintf(GinkgoWriter, "%s: %s; report: %s\n", sc.Subject, m.Line(), path)
			if len(failures) > 0 {
				msg := fmt.Sprintf("%s: %d of %d rows failed (report: %s)\n\n", sc.Subject, len(failures), len(sc.Checks), path)
				if len(failures) > gateMessageRows {
					msg += fmt.Sprintf("the first %d:\n\n", gateMessageRows)
					failures = failures[:gateMessageRows]
				}
				Fail(msg + strings.Join(failures, "\n"))
			}
		}, NodeTimeout(30*time.Minute))
	}
})

// checkRows polls a subject's first rows until RBAC is in effect, then
// checks every row, gateWorkers at a time. It returns the subject's report
// and one message per failing row: file:line, field, what was asked and
// what each channel and the review got.
func checkRows(ctx context.Context, sc matrix.SubjectChecks, subject access.Subject) (report.Matrix, []string) {
	do := func(ctx context.Context, c matrix.Check) access.Result {
		res := framework.Env.Checker.Do(ctx, subject, c.Request(), c.Expectation())
		if len(res.Failures()) == 0 {
			// Only failures show bodies; tens of thousands of list answers need not stay in memory.
			for i := range res.Outcomes {
				res.Outcomes[i].Body = nil
			}
		}
		return res
	}
	waitForFirstRows(ctx, sc.Checks, do)

	started := time.Now()
	results, took := matrix.Run(ctx, sc.Checks, gateWorkers, do)
	m := report.Matrix{Subject: sc.Subject.String(), Detail: subject.String(), Files: filesOf(sc.Checks),
		RunID: framework.Env.RunID, Started: started, Duration: took}
	var failures []string
	for i, c := range sc.Checks {
		m.Rows = append(m.Rows, report.RowOf(c, results[i]))
		if err := results[i].Err(); err != nil {
			failures = append(failures, fmt.Sprintf("%s (%s) %s: %v", c.Row, c.Row.Field, c.Target(), err))
		}
	}
	return m, failures
}

// gateSubject is the identity a subject's rows are made with: a fresh
// TokenRequest token for a ServiceAccount, or the impersonator's token
// acting as the user and groups. Impersonation is proven in effect on both
// channels first (a SelfSubjectReview must name the user), so a refused
// impersonation can never pass for a denial.
func gateSubject(ctx context.Context, s matrix.Subject, impersonator access.Subject) access.Subject {
	GinkgoHelper()
	admin := framework.Env.Admin
	if s.IsServiceAccount() {
		ns, name := s.NamespaceName()
		Expect(identity.WaitForServiceAccount(ctx, admin, ns, name, 30*time.Second)).To(Succeed(), "subject of %s", s.Pos)
		tok, _, err := identity.RequestToken(ctx, admin, ns, name)
		Expect(err).NotTo(HaveOccurred(), "subject of %s", s.Pos)
		return tok
	}
	as := impersonator.Impersonating(s.User, s.Groups...)
	review := access.On("create", "authentication.k8s.io", "v1", "selfsubjectreviews").
		WithBody([]byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`))
	Eventually(ctx, func(ctx context.Context) error {
		bodies, err := framework.Env.Checker.Bodies(ctx, as, review)
		if err != nil {
			return err
		}
		for ch, body := range bodies {
			var ssr struct {
				Status struct {
					UserInfo struct {
						Username string   `json:"username"`
						Groups   []string `json:"groups"`
					} `json:"userInfo"`
				} `json:"status"`
			}
			if err := json.Unmarshal(body, &ssr); err != nil {
				return fmt.Errorf("%s: SelfSubjectReview: %w", ch, err)
			}
			u := ssr.Status.UserInfo
			if u.Username != s.User || !containsAll(u.Groups, s.Groups) {
				return fmt.Errorf("%s: impersonating %s, the server sees user %q groups %q", ch, s, u.Username, u.Groups)
			}
		}
		return nil
	}).WithTimeout(framework.RBACTimeout).WithPolling(framework.PollInterval).Should(Succeed(), "impersonation for %s", s.Pos)
	return as
}

// newImpersonator makes a ServiceAccount allowed to impersonate users,
// groups and ServiceAccounts (its own labelled namespace, ClusterRole and
// binding, all removed after the gate) and returns its token.
func newImpersonator(ctx context.Context) access.Subject {
	GinkgoHelper()
	f := &framework.Framework{BaseName: "gate", Admin: framework.Env.Admin, Checker: framework.Env.Checker}
	f.Namespace = f.CreateNamespace(ctx, "gate")
	_, sa := f.TokenForNew(ctx, "impersonator")
	role := f.CreateClusterRole(ctx, "gate-impersonator", rbacv1.PolicyRule{
		APIGroups: []string{""}, Resources: []string{"users", "groups", "serviceaccounts"}, Verbs: []string{"impersonate"},
	})
	f.BindClusterWide(ctx, role, framework.ServiceAccountSubject(f.Namespace, "impersonator"))
	return sa
}

// waitForFirstRows polls a subject's first rows until they pass, within
// RBACTimeout: RBAC just applied reaches the authorizer a moment later. Rows
// still failing then are left to the full pass, which reports them.
func waitForFirstRows(ctx context.Context, checks []matrix.Check, do func(context.Context, matrix.Check) access.Result) {
	first := checks[:min(gateFirstRows, len(checks))]
	err := wait.PollUntilContextTimeout(ctx, framework.PollInterval, framework.RBACTimeout, true, func(ctx context.Context) (bool, error) {
		for _, c := range first {
			if len(do(ctx, c).Failures()) > 0 {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		fmt.Fprintf(GinkgoWriter, "the first %d rows did not all pass within %s; checking every row anyway\n", len(first), framework.RBACTimeout)
	}
}

func filesOf(checks []matrix.Check) []string {
	var files []string
	for _, c := range checks {
		if !slices.Contains(files, c.Row.File) {
			files = append(files, c.Row.File)
		}
	}
	return files
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
