package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/cluster"
	"rbac-e2e/e2e/framework/probe"
	"rbac-e2e/e2e/framework/suite"
)

var settings suite.Settings

// timeouts are the run's scaled bounds, set in TestE2E before the spec tree
// is built: decorators (SpecTimeout, NodeTimeout) and durations fixed while
// it is built read them; spec bodies read their Framework's.
var timeouts = suite.DefaultTimeouts()

// runEnv is this process's environment, set in SynchronizedBeforeSuite;
// every Framework asks environment for it before each spec.
var runEnv *suite.Environment

func environment() *suite.Environment { return runEnv }

func init() { settings.RegisterFlags(flag.CommandLine) }

func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	timeouts = settings.ScaledTimeouts()
	RunSpecs(t, "rbac-e2e")
}

// shared is what process 1 hands every parallel process once the cluster is up.
type shared struct {
	Kubeconfig string
	// ClusterName is a kind cluster of the local Docker engine: the suite's
	// own, or the one an existing cluster's kubeconfig points at; empty when
	// the cluster is no such kind cluster (NoKind says why).
	ClusterName string
	NoKind      string
	OwnCluster  bool   // created or reused by this run: deleted at the end unless reuse is on
	ClusterDesc string // names the cluster in the closing summary
	RunID       string
	// The in-pod probe's image (loaded into the nodes, or E2E_PROBE_IMAGE),
	// its pull policy, and why there is none.
	ProbeImage, ProbePullPolicy, ProbeUnavailable string
	// The gate's own kind cluster (gateOnOwnCluster), when it has one.
	GateKubeconfig, GateClusterName string
}

// thisRun is what process 1 shared, on every process.
var thisRun shared

// beforeCluster are checks of local inputs (the gate's fixtures and
// manifests) that must pass before any cluster work; spec files add theirs
// when the spec tree is built.
var beforeCluster []func() error

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	Expect(settings.Validate()).To(Succeed())
	for _, check := range beforeCluster {
		if err := check(); err != nil {
			Fail(err.Error())
		}
	}
	Expect(os.RemoveAll(failedSpecsDir())).To(Succeed()) // an earlier run's
	Expect(os.RemoveAll(suite.SpecsDir(settings.Artifacts))).To(Succeed())
	Expect(os.RemoveAll(requestCountsDir())).To(Succeed())
	Expect(os.RemoveAll(credentialHashesDir())).To(Succeed()) // only this run's credentials are looked for
	Expect(os.MkdirAll(failedSpecsDir(), 0o755)).To(Succeed())
	if settings.OfflineNodeImage == "" {
		settings.OfflineNodeImage = offlineImageTag()
	}
	s := shared{Kubeconfig: settings.Kubeconfig, RunID: newRunID()}
	nested := settings.ParentRunID != ""
	me := suite.ThisRun(s.RunID)
	var kind *cluster.Cluster
	// The gate's cluster comes up beside the scenario cluster (nothing to do
	// when it has none); joined below, or on the way out when the set-up
	// fails first.
	gateUp := startGateCluster(ctx, me)
	defer gateUp.wait()
	if settings.Kubeconfig == "" {
		Expect(nested).To(BeFalse(), "a nested run (E2E_PARENT_RUN_ID=%s) runs against its parent's cluster: give E2E_KUBECONFIG; it never creates or deletes a cluster", settings.ParentRunID)
		lockClusterName(settings.ClusterName, me)
		// Known before it exists, so an interrupted creation is still deleted.
		hold.own = cluster.Attach(settings.ClusterName, GinkgoWriter)
		c, err := cluster.Up(ctx, settings.ClusterName,
			cluster.WithNodeImage(settings.NodeImage),
			cluster.WithOfflineImage(settings.OfflineNodeImage),
			cluster.WithKindConfig(settings.KindConfig),
			cluster.WithReuse(settings.ReuseCluster),
			cluster.WithArtifacts(settings.Artifacts),
			cluster.WithLogger(GinkgoWriter),
		)
		Expect(err).NotTo(HaveOccurred())
		hold.own, kind = c, c
		s.Kubeconfig, s.ClusterName, s.OwnCluster = c.KubeconfigPath, c.Name, true
		s.ClusterDesc = fmt.Sprintf("the suite's kind cluster %q", c.Name)
	} else {
		var how string
		kind, how = cluster.Recognise(settings.Kubeconfig, GinkgoWriter)
		s.ClusterDesc = "the cluster of " + settings.Kubeconfig
		if kind != nil {
			s.ClusterName = kind.Name
			s.ClusterDesc += fmt.Sprintf(" (kind cluster %q)", kind.Name)
			if !nested {
				lockClusterName(kind.Name, me)
			}
		}
		fmt.Fprintf(GinkgoWriter, "existing cluster: %s\n", how)
		s.NoKind = how
	}
	env := setUpEnvironment(s)
	// The probe image is built and loaded into the nodes while the system
	// components come up: it needs the nodes only.
	type installed struct {
		ref string
		err error
	}
	probeUp := make(chan installed, 1)
	if inPodSpecsSelected() && settings.ProbeImage == "" && kind != nil {
		go func() {
			defer GinkgoRecover()
			ref, err := probe.Install(ctx, kind, GinkgoWriter)
			probeUp <- installed{ref, err}
		}()
	}
	if !nested && !s.OwnCluster {
		lease, err := suite.AcquireLease(ctx, env.Admin, me, leaseDuration, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		hold.lease = lease
	}
	if s.OwnCluster {
		setUpStep(ctx, env, "waiting for the system components", suite.WaitForSystemReady(ctx, env.Admin, suite.SystemWait{Timeout: env.Timeouts.Scaled(settings.SystemReadyTimeout), Log: GinkgoWriter}))
	}
	if !nested {
		// Leftovers of interrupted earlier runs; ours by label, on any cluster.
		swept := time.Now()
		setUpStep(ctx, env, "sweeping earlier runs' leftovers", suite.Sweep(ctx, env, suite.ManagedSelector, GinkgoWriter))
		fmt.Fprintf(GinkgoWriter, "set-up: start sweep took %s\n", time.Since(swept).Round(10*time.Millisecond))
	}
	if inPodSpecsSelected() {
		switch {
		case settings.ProbeImage != "":
			s.ProbeImage, s.ProbePullPolicy = settings.ProbeImage, string(corev1.PullIfNotPresent)
			fmt.Fprintf(GinkgoWriter, "probe image %s (E2E_PROBE_IMAGE), pulled if not present\n", s.ProbeImage)
		case kind != nil:
			r := <-probeUp
			setUpStep(ctx, env, "installing the probe image", r.err)
			s.ProbeImage = r.ref
		default:
			s.ProbeUnavailable = s.NoKind + ", so the suite cannot load its probe image into the nodes (no registry is used); " +
				"give an image of e2e/probe the nodes can pull as E2E_PROBE_IMAGE"
		}
	}
	if c, err := gateUp.wait(); err != nil {
		Fail("the suite's set-up failed bringing up the gate's cluster: " + err.Error())
	} else if c != nil {
		s.GateKubeconfig, s.GateClusterName = c.KubeconfigPath, c.Name
	}
	out, err := json.Marshal(s)
	Expect(err).NotTo(HaveOccurred())
	return out
}, func(ctx SpecContext, data []byte) {
	var s shared
	Expect(json.Unmarshal(data, &s)).To(Succeed())
	probeImage, probePullPolicy, probeUnavailable = s.ProbeImage, corev1.PullPolicy(s.ProbePullPolicy), s.ProbeUnavailable
	thisRun = s
	if runEnv == nil {
		setUpEnvironment(s)
	}
}, NodeTimeout(20*time.Minute))

func setUpEnvironment(s shared) *suite.Environment {
	var kind *cluster.Cluster
	if s.ClusterName != "" {
		kind = cluster.Attach(s.ClusterName, GinkgoWriter)
		kind.KubeconfigPath = s.Kubeconfig
	}
	env, err := suite.NewEnvironment(suite.EnvironmentInput{
		Kubeconfig: s.Kubeconfig, RunID: s.RunID, Cluster: kind,
		Timeouts: settings.ScaledTimeouts(), Options: settings.Options(),
	})
	Expect(err).NotTo(HaveOccurred())
	runEnv = env
	return env
}

// Each process records its failed specs, so process 1 knows at the end
// whether to export the cluster's logs.
var _ = ReportAfterEach(func(r SpecReport) {
	if r.Failed() {
		f := filepath.Join(failedSpecsDir(), fmt.Sprintf("process-%d", GinkgoParallelProcess()))
		fh, err := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(fh, r.FullText())
			fh.Close()
		}
	}
})

var _ = SynchronizedAfterSuite(func() {
	if runEnv != nil {
		Expect(runEnv.Checker.SaveCounts(requestCountsDir(), GinkgoParallelProcess())).To(Succeed())
	}
	if thisRun.GateKubeconfig != "" {
		if env, err := gateEnv(); err == nil {
			// The gate's cluster's requests count too, under a process number of their own.
			Expect(env.Checker.SaveCounts(requestCountsDir(), 1000+GinkgoParallelProcess())).To(Succeed())
		}
	}
}, func(ctx SpecContext) {
	defer releaseHold(ctx)
	env := runEnv
	if env == nil {
		// Set-up stopped before the cluster could be used (failed or
		// interrupted, creation included): nothing labelled exists yet.
		Expect(downGateCluster(ctx, false)).To(Succeed())
		if hold.own != nil && !settings.ReuseCluster {
			Expect(hold.own.Down()).To(Succeed())
		}
		return
	}
	if total, err := access.SumCounts(requestCountsDir()); err == nil {
		AddReportEntry("requests per channel", total)
		_ = os.WriteFile(filepath.Join(settings.Artifacts, "requests.txt"), []byte(total+"\n"), 0o644)
	}
	failed, _ := os.ReadDir(failedSpecsDir())
	exportLogs := len(failed) > 0 && !hold.exported
	// The gate's cluster is swept (and deleted) beside this one's clean-up.
	gateDown := make(chan error, 1)
	go func() {
		defer GinkgoRecover()
		gateDown <- downGateCluster(ctx, exportLogs)
	}()
	defer func() { Expect(<-gateDown).To(Succeed(), "the gate's cluster's clean-up") }()
	if exportLogs {
		// Before the sweep, while the run's namespaces and their events exist.
		exportEvents(ctx, env, "specs failed")
	}
	// A failed spec's objects kept for a look (E2E_KEEP_ON_FAILURE) stay,
	// and so does the cluster that holds them.
	kept, err := suite.KeptObjects(ctx, env.Admin)
	Expect(err).NotTo(HaveOccurred())
	keepCluster := settings.ReuseCluster || len(kept) > 0
	// The lock holder sweeps everything labelled: the cluster is its alone,
	// and a nested run killed mid-way leaves objects under its own run ID.
	selector := suite.ManagedSelector
	if settings.ParentRunID != "" {
		selector = env.RunSelector()
	}
	sweeper := suite.NewSweeper(env, GinkgoWriter)
	sweeper.SpareKept(kept)
	// No wait for the namespaces to go: the cluster goes, or the next run's
	// start sweep waits for any still terminating (none of theirs is reused
	// by name: specs' namespaces have generated names, and the gate's Apply
	// waits for its own).
	_, err = sweeper.Sweep(ctx, suite.NotKept(selector), false)
	Expect(err).NotTo(HaveOccurred())
	if len(kept) > 0 {
		AddReportEntry("kept for a look", fmt.Sprintf("E2E_KEEP_ON_FAILURE: the sweep spared %d kept objects of failed specs (%v); the next run's start sweep removes them, or %s",
			len(kept), kept, suite.SweepCommand(&settings)))
	}
	if exportLogs && env.Cluster != nil {
		exportKindLogs(env, "specs failed")
	}
	if hold.own == nil {
		return
	}
	if keepCluster {
		why := "reuse is on"
		if !settings.ReuseCluster {
			why = "it holds objects kept by E2E_KEEP_ON_FAILURE; E2E_CLUSTER_NAME=" + hold.own.Name + " make clean-cluster deletes it"
		}
		fmt.Fprintf(GinkgoWriter, "keeping kind cluster %q (%s); kubeconfig: %s\n", hold.own.Name, why, hold.own.KubeconfigPath)
		return
	}
	Expect(hold.own.Down()).To(Succeed())
}, NodeTimeout(5*time.Minute))

// offlineImageTag asks the node-image recipe for its tag, for runs that do
// not come through make (which sets E2E_OFFLINE_NODE_IMAGE).
func offlineImageTag() string {
	root, err := suite.ModuleRoot()
	if err != nil {
		fmt.Fprintf(GinkgoWriter, "cannot tell the offline node image's tag: %v\n", err)
		return ""
	}
	out, err := exec.Command(filepath.Join(root, "scripts/node-image/build.sh"), "--print-tag").Output()
	if err != nil {
		fmt.Fprintf(GinkgoWriter, "cannot tell the offline node image's tag: %v\n", err)
		return ""
	}
	return strings.TrimSpace(string(out))
}

func requestCountsDir() string { return filepath.Join(settings.Artifacts, "request-counts") }

func failedSpecsDir() string { return filepath.Join(settings.Artifacts, "failed-specs") }

func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102t150405") + "-" + hex.EncodeToString(b)
}
