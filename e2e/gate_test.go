package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/gate"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
)

var gateLabels = Label("gate", "GATE-1", "GATE-2", "GATE-6")

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
//
// Serial: a team's manifests may bind system:serviceaccounts or carry
// aggregation labels, which would change what the scenario specs running
// beside it see; Ginkgo runs Serial specs after the parallel ones.
var _ = Describe("RBAC gate", gateLabels, Serial, Ordered, ContinueOnFailure, func() {
	loadGateInput()
	if gateInput.err != nil {
		// beforeCluster stops a run that selects the gate first; this spec
		// keeps the tree from ever hiding the problem.
		It("GATE-1: the access matrix and manifests load", func() { Fail(gateInput.err.Error()) })
		return
	}
	var run *gate.Run

	BeforeAll(func(ctx SpecContext) {
		var err error
		run, err = gate.Start(ctx, gateRunInput())
		DeferCleanup(func(ctx context.Context) error { return run.Close(ctx) })
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(5*time.Minute))

	AfterEach(func() {
		if CurrentSpecReport().Failed() && run != nil {
			run.MarkFailed()
		}
	})

	for _, sc := range gateInput.matrix.BySubject() {
		It(fmt.Sprintf("GATE-1, GATE-2, GATE-6: %s can do exactly what %s says", sc.Subject, strings.Join(gate.FilesOf(sc.Checks), ", ")), func(ctx SpecContext) {
			Expect(run.CheckSubject(ctx, sc)).To(Succeed())
		}, NodeTimeout(30*time.Minute))
	}
})

// gateRunInput is the gate's input on this run's cluster.
func gateRunInput() gate.Input {
	env := framework.Env
	return gate.Input{
		Admin: env.Admin, Dynamic: env.Dynamic, Checker: env.Checker, RunID: env.RunID,
		Labels: framework.ObjectLabels(), OwnedLabel: framework.ManagedByLabel, OwnedValue: framework.ManagedByValue,
		Artifacts: settings.Artifacts, Log: GinkgoWriter,
		Matrix: gateInput.matrix, Manifests: gateInput.manifests, ManifestsDir: settings.GateManifests,
		ExportEvents: func(ctx context.Context, path string) error { return framework.ExportEvents(ctx, env.Admin, path) },
		RBACTimeout:  framework.RBACTimeout, PollInterval: framework.PollInterval,
	}
}
