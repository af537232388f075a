package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/gate"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/suite"
)

// The gate's container has label gate; its specs add their scenarios', so
// a filter such as `gate && GATE-1` (make bench-gate) selects the rows
// alone.
var (
	gateLabels = Label("gate")
	rowLabels  = Label("GATE-1", "GATE-2", "GATE-6")
)

// The labels of the gate's specs beyond the rows: the recorded snapshot
// (make snapshot selects it alone and writes it), the access diff of a
// change (make access-diff), the dangerous-grant audit.
var (
	snapshotLabels = Label("GATE-3", "snapshot")
	diffLabels     = Label("GATE-4", "access-diff")
	auditLabels    = Label("GATE-5", "audit")
	benchLabels    = Label("GATE-3", "bench-sweep")
)

// gateInput is the gate's local input, read while the spec tree is built so
// that a bad fixture or manifest stops the run before any cluster work
// (see beforeCluster).
var gateInput gateInputs

type gateInputs struct {
	matrix    *matrix.Matrix
	manifests []manifest.Object
	base      []manifest.Object // E2E_GATE_BASE's, when set
	root      string
	err       error
}

func init() {
	beforeCluster = append(beforeCluster, func() error {
		if !gateSpecSelected(rowLabels, snapshotLabels, diffLabels, auditLabels, benchLabels, gateReportLabels) {
			return nil
		}
		return gateInput.err
	})
}

func loadGateInput() {
	root, err := suite.ModuleRoot()
	if err != nil {
		gateInput.err = err
		return
	}
	gateInput.root = root
	objs, mErr := manifest.Load(root, settings.GateManifests)
	m, xErr := matrix.Load(root, settings.GateFixtures)
	gateInput.matrix, gateInput.manifests = m, objs
	var bErr error
	if settings.GateBase != "" {
		gateInput.base, bErr = manifest.Load(root, settings.GateBase)
	}
	if err := errors.Join(mErr, xErr, bErr); err != nil {
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
// A team's manifests may bind system:serviceaccounts or carry aggregation
// labels, which would change what the scenario specs see: the gate runs on
// a cluster of its own beside them (first: it is the longest chain), or
// Serial after them on the one cluster (gateOnOwnCluster).
//
// Two containers, so the text reads "RBAC gate …" and the inner one's
// decorators are chosen while the tree is built, after the settings are read.
var _ = Describe("RBAC", func() { Describe("gate", gateDecorators(), gateSpecs) })

func gateSpecs() {
	loadGateInput()
	if gateInput.err != nil {
		// beforeCluster stops a run that selects the gate first; this spec
		// keeps the tree from ever hiding the problem.
		It("GATE-1: the access matrix and manifests load", rowLabels, func() { Fail(gateInput.err.Error()) })
		return
	}
	var (
		run    *gate.Run
		env    *suite.Environment
		nested *nestedGate
	)

	BeforeAll(func(ctx SpecContext) {
		var err error
		env, err = gateEnv()
		Expect(err).NotTo(HaveOccurred(), "the gate's cluster")
		run, err = gate.Start(ctx, gateRunInput(env))
		DeferCleanup(func(ctx context.Context) error { return run.Close(ctx) })
		Expect(err).NotTo(HaveOccurred())
		var subjects []matrix.Subject
		for _, sc := range gateInput.matrix.BySubject() {
			subjects = append(subjects, sc.Subject)
		}
		run.PrefetchSubjects(subjects) // each acts-as ready before its rows
		if sweepSelected() {
			run.Prefetch() // the effective-access sweep, beside the rows
		}
		if gateReportSelected() {
			nested, err = startNestedGate(env)
			Expect(err).NotTo(HaveOccurred(), "starting GATE-2's nested run")
			DeferCleanup(nested.stop) // before Close: the nested run checks what Close removes
		}
	}, NodeTimeout(5*time.Minute))

	AfterEach(func() {
		if CurrentSpecReport().Failed() && run != nil {
			run.MarkFailed()
		}
	})

	for _, sc := range gateInput.matrix.BySubject() {
		It(fmt.Sprintf("GATE-1, GATE-2, GATE-6: %s can do exactly what %s says", sc.Subject, strings.Join(gate.FilesOf(sc.Checks), ", ")), rowLabels, func(ctx SpecContext) {
			Expect(run.CheckSubject(ctx, sc)).To(Succeed())
		}, NodeTimeout(30*time.Minute))
	}

	It("GATE-3: every subject's effective access is what the snapshot records, each difference confirmed on the wire", snapshotLabels, func(ctx SpecContext) {
		if settings.WriteSnapshot {
			Expect(run.WriteSnapshot(ctx)).To(Succeed())
			return
		}
		Expect(run.CompareSnapshot(ctx)).To(Succeed())
	}, NodeTimeout(10*time.Minute))

	It("GATE-4: the access diff from the base lists each gained and lost permission with its path", diffLabels, func(ctx SpecContext) {
		if settings.GateBase == "" {
			Skip("no base manifests (E2E_GATE_BASE): make access-diff BASE=<git ref> gives them")
		}
		d, err := run.AccessDiff(ctx, gateBaseName())
		Expect(err).NotTo(HaveOccurred())
		fmt.Fprintf(GinkgoWriter, "access diff: %d subjects changed; %s\n", len(d.Subjects), filepath.Join(settings.Artifacts, "gate", "diff.md"))
	}, NodeTimeout(10*time.Minute))

	It("GATE-3: sweep benchmark: reviews per second, wire confirmations and the total", benchLabels, func(ctx SpecContext) {
		if !benchLabels.MatchesLabelFilter(GinkgoLabelFilter()) || strings.TrimSpace(GinkgoLabelFilter()) != "bench-sweep" {
			Skip("the sweep benchmark runs only when selected alone (make bench-sweep: LABELS=bench-sweep)")
		}
		_, err := run.BenchSweep(ctx)
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(10*time.Minute))

	It("GATE-5: no dangerous grant that is neither allow-listed nor present at the base", auditLabels, func(ctx SpecContext) {
		Expect(run.Audit(ctx)).To(Succeed())
	}, NodeTimeout(10*time.Minute))

	It("GATE-2: a failing gate names the row and what each channel got, in its report and JUnit, and exports the cluster's logs", gateReportLabels, func(ctx SpecContext) {
		expectNestedGateFailed(ctx, nested, env)
	}, NodeTimeout(10*time.Minute))
}

// gateSpecSelected tells whether the label filter selects a gate spec with
// any of these labels (besides the container's "gate").
func gateSpecSelected(sets ...Labels) bool {
	filter := GinkgoLabelFilter()
	for _, l := range sets {
		if Label(append([]string{"gate"}, l...)...).MatchesLabelFilter(filter) {
			return true
		}
	}
	return false
}

// sweepSelected tells whether a spec that reads the swept effective access
// (snapshot, access diff, audit) runs.
func sweepSelected() bool { return gateSpecSelected(snapshotLabels, diffLabels, auditLabels) }

// gateDecorators are the gate container's: Ordered (one apply for every
// spec), and first beside the scenario specs on its own cluster, or
// Serial after them on theirs.
func gateDecorators() []any {
	d := []any{gateLabels, Ordered, ContinueOnFailure}
	if gateOnOwnCluster() {
		return append(d, longSpecs(100))
	}
	return append(d, Serial)
}

// gateRunInput is the gate's input on this run's cluster.
func gateRunInput(env *suite.Environment) gate.Input {
	return gate.Input{
		Admin: env.Admin, Dynamic: env.Dynamic, Checker: env.Checker, RunID: env.RunID,
		Labels: env.ObjectLabels(), OwnedLabel: suite.ManagedByLabel, OwnedValue: suite.ManagedByValue,
		Artifacts: settings.Artifacts, Log: GinkgoWriter,
		Matrix: gateInput.matrix, Manifests: gateInput.manifests, Base: gateInput.base, AppliedByParent: settings.GateApplied,
		Snapshot: gateInput.path(settings.GateSnapshot), AllowList: gateInput.path(settings.GateAllowList),
		ExportEvents: func(ctx context.Context, path string) error { return suite.ExportEvents(ctx, env.Admin, path) },
		RBACTimeout:  env.Timeouts.RBAC, PollInterval: env.Timeouts.Poll,
	}
}

// path is a setting's folder or file, relative to the repository root unless absolute.
func (in *gateInputs) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(in.root, p)
}

// gateBaseName names the base in the diff: E2E_GATE_BASE_NAME (the git
// ref make access-diff was given), else the folder.
func gateBaseName() string {
	if n := os.Getenv("E2E_GATE_BASE_NAME"); n != "" {
		return n
	}
	return settings.GateBase
}
