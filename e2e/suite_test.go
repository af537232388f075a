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

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/cluster"
	"rbac-e2e/e2e/framework/probe"
)

var settings framework.Settings

func init() { settings.RegisterFlags(flag.CommandLine) }

func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "rbac-e2e")
}

// shared is what process 1 hands every parallel process once the cluster is up.
type shared struct {
	Kubeconfig  string
	ClusterName string // empty on an existing cluster the suite did not create
	RunID       string
	ProbeImage  string // the in-pod probe's image, loaded into the nodes; empty when not built
}

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
	Expect(os.RemoveAll(requestCountsDir())).To(Succeed())
	Expect(os.MkdirAll(failedSpecsDir(), 0o755)).To(Succeed())
	if settings.OfflineNodeImage == "" {
		settings.OfflineNodeImage = offlineImageTag()
	}
	s := shared{Kubeconfig: settings.Kubeconfig, RunID: newRunID()}
	if settings.Kubeconfig == "" {
		c, err := cluster.Up(ctx, settings.ClusterName,
			cluster.WithNodeImage(settings.NodeImage),
			cluster.WithOfflineImage(settings.OfflineNodeImage),
			cluster.WithKindConfig(settings.KindConfig),
			cluster.WithReuse(settings.ReuseCluster),
			cluster.WithArtifacts(settings.Artifacts),
			cluster.WithLogger(GinkgoWriter),
		)
		Expect(err).NotTo(HaveOccurred())
		s.Kubeconfig, s.ClusterName = c.KubeconfigPath, c.Name
	}
	env := setUpEnvironment(s)
	if env.Cluster != nil {
		Expect(framework.WaitForSystemReady(ctx, env.Admin, 3*time.Minute)).To(Succeed())
		// Leftovers of an interrupted earlier run on a reused cluster.
		Expect(framework.Sweep(ctx, env, framework.ManagedSelector, GinkgoWriter)).To(Succeed())
	}
	if env.Cluster != nil && inPodSpecsSelected() {
		ref, err := probe.Install(ctx, env.Cluster, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		s.ProbeImage = ref
	}
	out, err := json.Marshal(s)
	Expect(err).NotTo(HaveOccurred())
	return out
}, func(ctx SpecContext, data []byte) {
	var s shared
	Expect(json.Unmarshal(data, &s)).To(Succeed())
	probeImage = s.ProbeImage
	if framework.Env == nil {
		setUpEnvironment(s)
	}
}, NodeTimeout(20*time.Minute))

func setUpEnvironment(s shared) *framework.Environment {
	var kind *cluster.Cluster
	if s.ClusterName != "" {
		kind = cluster.Attach(s.ClusterName, GinkgoWriter)
		kind.KubeconfigPath = s.Kubeconfig
	}
	env, err := framework.NewEnvironment(s.Kubeconfig, s.RunID, kind)
	Expect(err).NotTo(HaveOccurred())
	framework.Env = env
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
	if framework.Env != nil {
		Expect(framework.Env.Checker.SaveCounts(requestCountsDir(), GinkgoParallelProcess())).To(Succeed())
	}
}, func(ctx SpecContext) {
	env := framework.Env
	if env == nil {
		return
	}
	if total, err := access.SumCounts(requestCountsDir()); err == nil {
		AddReportEntry("requests per channel", total)
		_ = os.WriteFile(filepath.Join(settings.Artifacts, "requests.txt"), []byte(total+"\n"), 0o644)
	}
	failed, _ := os.ReadDir(failedSpecsDir())
	if len(failed) > 0 {
		// Before the sweep, while the run's namespaces and their events exist.
		path := filepath.Join(settings.Artifacts, "events.txt")
		if err := framework.ExportEvents(ctx, env.Admin, path); err != nil {
			fmt.Fprintf(GinkgoWriter, "the cluster's events could not be exported: %v\n", err)
		} else {
			fmt.Fprintf(GinkgoWriter, "specs failed: the cluster's events are in %s\n", path)
		}
	}
	selector := framework.RunLabel + "=" + env.RunID
	Expect(framework.Sweep(ctx, env, selector, GinkgoWriter)).To(Succeed())
	if env.Cluster == nil {
		return
	}
	if len(failed) > 0 {
		dir := filepath.Join(settings.Artifacts, "kind-logs")
		if err := env.Cluster.ExportLogs(dir); err != nil {
			fmt.Fprintf(GinkgoWriter, "some cluster logs could not be collected: %v\n", err)
		}
		fmt.Fprintf(GinkgoWriter, "specs failed: cluster logs in %s\n", dir)
	}
	if settings.ReuseCluster {
		fmt.Fprintf(GinkgoWriter, "keeping kind cluster %q (reuse is on); kubeconfig: %s\n", env.Cluster.Name, env.Cluster.KubeconfigPath)
		return
	}
	Expect(env.Cluster.Down()).To(Succeed())
}, NodeTimeout(5*time.Minute))

// offlineImageTag asks the node-image recipe for its tag, for runs that do
// not come through make (which sets E2E_OFFLINE_NODE_IMAGE).
func offlineImageTag() string {
	root, err := framework.ModuleRoot()
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
