package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"rbac-e2e/e2e/framework/cluster"
	"rbac-e2e/e2e/framework/suite"
)

// hold is process 1's hold on the cluster: its locks, the cluster it created
// (known before creation starts, so an interrupted creation is deleted too),
// and whether a failed set-up already exported the logs.
var hold struct {
	fileLock *suite.FileLock
	lease    *suite.LeaseLock
	own      *cluster.Cluster
	exported bool
}

// leaseDuration is how long a run lock on an existing cluster outlives its
// run's last renewal (the run renews it every third of that).
const leaseDuration = 60 * time.Second

// lockClusterName takes the host-wide lock of a kind cluster name, so a
// second run neither recreates nor deletes the cluster a first one uses.
func lockClusterName(name string, me suite.LockHolder) {
	GinkgoHelper()
	l, err := suite.AcquireFileLock(clusterLockPath(name), fmt.Sprintf("kind cluster %q", name), me, GinkgoWriter)
	if err != nil {
		Fail(err.Error())
	}
	hold.fileLock = l
}

// clusterLockPath is the host-wide lock file of a kind cluster name.
func clusterLockPath(name string) string {
	return filepath.Join(os.TempDir(), "rbac-e2e-"+name+".lock")
}

// releaseHold drops the locks, last of all.
func releaseHold(ctx context.Context) {
	if err := hold.lease.Release(ctx); err != nil {
		fmt.Fprintf(GinkgoWriter, "%v\n", err)
	}
	hold.lease = nil
	if err := hold.fileLock.Release(); err != nil {
		fmt.Fprintf(GinkgoWriter, "releasing the cluster name's lock: %v\n", err)
	}
	hold.fileLock = nil
}

// setUpStep fails the set-up when a step after the cluster came up failed:
// it exports the cluster's events and logs first (the cluster is then kept
// or deleted as usual) and names the cause from kube-system's own events
// and conditions, not only which wait ran out.
func setUpStep(ctx context.Context, env *suite.Environment, step string, err error) {
	GinkgoHelper()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("the suite's set-up failed %s: %v", step, err)
	if ctx.Err() == nil { // not interrupted
		if !strings.Contains(msg, "causes seen on the cluster") {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
			if causes := suite.DiagnoseSystem(dctx, env.Admin); len(causes) > 0 {
				msg += "\ncauses seen on the cluster:\n  - " + strings.Join(causes, "\n  - ")
			}
			cancel()
		}
		msg += "\n" + exportEvents(ctx, env, "set-up failed")
		if env.Cluster != nil {
			msg += "\n" + exportKindLogs(env, "set-up failed")
		}
		hold.exported = true
	}
	Fail(msg)
}

// exportEvents writes every namespace's events to $ARTIFACTS/events.txt and
// says where (or why not).
func exportEvents(ctx context.Context, env *suite.Environment, why string) string {
	path := filepath.Join(settings.Artifacts, "events.txt")
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	msg := fmt.Sprintf("%s: the cluster's events are in %s", why, path)
	if err := suite.ExportEvents(dctx, env.Admin, path); err != nil {
		msg = fmt.Sprintf("%s: the cluster's events could not be exported: %v", why, err)
	}
	fmt.Fprintln(GinkgoWriter, msg)
	return msg
}

// exportKindLogs collects the kind nodes' logs into $ARTIFACTS/kind-logs.
func exportKindLogs(env *suite.Environment, why string) string {
	return exportKindLogsOf(env.Cluster, filepath.Join(settings.Artifacts, "kind-logs"), why)
}

func exportKindLogsOf(c *cluster.Cluster, dir, why string) string {
	msg := fmt.Sprintf("%s: cluster logs in %s", why, dir)
	if err := c.ExportLogs(dir); err != nil {
		msg += fmt.Sprintf(" (some could not be collected: %v)", err)
	}
	fmt.Fprintln(GinkgoWriter, msg)
	return msg
}
