package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"rbac-e2e/e2e/framework/cluster"
	"rbac-e2e/e2e/framework/suite"
)

// The gate on a kind cluster of its own (E2E_GATE_CLUSTER=own, the default
// on the suite's own clusters): a team's manifests cannot reach the
// scenario specs there, so the gate runs beside them instead of after
// them, and what it sees is the manifests alone on a fresh cluster.
// Elsewhere (an existing cluster, E2E_GATE_CLUSTER=shared, or a run of the
// gate alone) it runs Serial on the one cluster.

// scenarioLabelSets are the scenario specs' top-level labels: a label
// filter that selects none of them runs the gate alone (make snapshot,
// make bench-gate), which needs no second cluster.
var scenarioLabelSets = []Labels{Label("authn"), Label("authz"), Label("in-pod", "pod")}

// gateOnOwnCluster tells, while the spec tree is built, whether the gate
// gets a cluster of its own.
func gateOnOwnCluster() bool {
	if settings.GateCluster == suite.GateSharedCluster || settings.Kubeconfig != "" || settings.ParentRunID != "" {
		return false
	}
	filter := GinkgoLabelFilter()
	for _, l := range scenarioLabelSets {
		if l.MatchesLabelFilter(filter) {
			return true
		}
	}
	return false
}

// gateCluster is process 1's hold on the gate's own cluster.
var gateCluster struct {
	own      *cluster.Cluster // known before creation starts, so an interrupted one is deleted
	fileLock *suite.FileLock
}

// upGateCluster brings the gate's cluster up beside the scenario cluster
// (both creations run at once): created or reused, its system components
// ready, earlier runs' leftovers swept. Errors only, no Ginkgo assertion:
// it runs on a goroutine of its own.
func upGateCluster(ctx context.Context, me suite.LockHolder) (*cluster.Cluster, error) {
	name := settings.GateClusterName()
	l, err := suite.AcquireFileLock(clusterLockPath(name), fmt.Sprintf("kind cluster %q", name), me, GinkgoWriter)
	if err != nil {
		return nil, err
	}
	gateCluster.fileLock = l
	c, err := cluster.Up(ctx, name,
		cluster.WithNodeImage(settings.NodeImage),
		cluster.WithOfflineImage(settings.OfflineNodeImage),
		cluster.WithKindConfig(settings.KindConfig),
		cluster.WithReuse(settings.ReuseCluster),
		cluster.WithArtifacts(filepath.Join(settings.Artifacts, "gate-cluster")),
		cluster.WithLogger(GinkgoWriter),
	)
	if err != nil {
		return nil, fmt.Errorf("the gate's kind cluster %q: %w", name, err)
	}
	gateCluster.own = c
	env, err := suite.NewEnvironment(suite.EnvironmentInput{Kubeconfig: c.KubeconfigPath, Cluster: c,
		Timeouts: settings.ScaledTimeouts(), Options: settings.Options()})
	if err != nil {
		return c, err
	}
	if err := suite.WaitForSystemReady(ctx, env.Admin, suite.SystemWait{Timeout: timeouts.Scaled(settings.SystemReadyTimeout), Log: GinkgoWriter}); err != nil {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		return c, fmt.Errorf("the gate's kind cluster %q: waiting for the system components: %w (causes seen there: %v)", name, err, suite.DiagnoseSystem(dctx, env.Admin))
	}
	if err := suite.Sweep(ctx, env, suite.ManagedSelector, GinkgoWriter); err != nil {
		return c, fmt.Errorf("the gate's kind cluster %q: sweeping earlier runs' leftovers: %w", name, err)
	}
	return c, nil
}

// gateEnv is the environment the gate runs in on this process: the
// scenario cluster's, or its own cluster's (built when the gate starts).
var gateEnv = sync.OnceValues(func() (*suite.Environment, error) {
	if thisRun.GateKubeconfig == "" {
		return runEnv, nil
	}
	c := cluster.Attach(thisRun.GateClusterName, GinkgoWriter)
	c.KubeconfigPath = thisRun.GateKubeconfig
	return suite.NewEnvironment(suite.EnvironmentInput{Kubeconfig: thisRun.GateKubeconfig, RunID: thisRun.RunID, Cluster: c,
		Timeouts: settings.ScaledTimeouts(), Options: settings.Options()})
})

// downGateCluster, on process 1 at the end: the gate's logs when a spec
// failed, its labelled objects swept (no wait for namespaces: the next
// run's start sweep waits for any still going), the cluster deleted unless
// reuse is on.
func downGateCluster(ctx context.Context, specsFailed bool) error {
	defer func() {
		if err := gateCluster.fileLock.Release(); err != nil {
			fmt.Fprintf(GinkgoWriter, "releasing the gate cluster name's lock: %v\n", err)
		}
		gateCluster.fileLock = nil
	}()
	c := gateCluster.own
	if c == nil {
		return nil
	}
	if thisRun.GateKubeconfig != "" {
		if specsFailed {
			exportKindLogsOf(c, filepath.Join(settings.Artifacts, "kind-logs-gate"), "specs failed")
		}
		env, err := gateEnv()
		if err != nil {
			return err
		}
		if _, err := suite.NewSweeper(env, GinkgoWriter).Sweep(ctx, suite.ManagedSelector, false); err != nil {
			return fmt.Errorf("sweeping the gate's cluster: %w", err)
		}
	}
	if settings.ReuseCluster {
		fmt.Fprintf(GinkgoWriter, "keeping the gate's kind cluster %q (reuse is on); kubeconfig: %s\n", c.Name, c.KubeconfigPath)
		return nil
	}
	return c.Down()
}

// gateBringUp is upGateCluster running beside the scenario cluster's set-up.
type gateBringUp struct {
	done    chan struct{}
	cluster *cluster.Cluster
	err     error
}

// startGateCluster starts upGateCluster when the gate gets a cluster of
// its own; wait then joins it (at once when there is none).
func startGateCluster(ctx context.Context, me suite.LockHolder) *gateBringUp {
	g := &gateBringUp{done: make(chan struct{})}
	if !gateOnOwnCluster() {
		close(g.done)
		return g
	}
	gateCluster.own = cluster.Attach(settings.GateClusterName(), GinkgoWriter)
	go func() {
		defer close(g.done)
		defer GinkgoRecover()
		g.cluster, g.err = upGateCluster(ctx, me)
	}()
	return g
}

// wait returns the gate's cluster (nil when it has none) once it is up.
func (g *gateBringUp) wait() (*cluster.Cluster, error) {
	<-g.done
	return g.cluster, g.err
}
