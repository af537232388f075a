// Command sweep deletes every object an rbac-e2e run left on a cluster (label
// app.kubernetes.io/managed-by=rbac-e2e), of every resource type the cluster
// serves, with the code a run sweeps with. The cluster is the suite's kind
// cluster (E2E_CLUSTER_NAME, default rbac-e2e) and the gate's beside it
// (<name>-gate) when it exists, or E2E_KUBECONFIG's. It takes the run lock
// first, so it never sweeps under a running run.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"rbac-e2e/e2e/framework/suite"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "sweep: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	me := suite.ThisRun("sweep-" + time.Now().UTC().Format("20060102t150405"))
	if kubeconfig := os.Getenv("E2E_KUBECONFIG"); kubeconfig != "" {
		return sweepExisting(ctx, kubeconfig, me)
	}
	name := os.Getenv("E2E_CLUSTER_NAME")
	if name == "" {
		name = "rbac-e2e"
	}
	if err := sweepKind(ctx, name, me, true); err != nil {
		return err
	}
	return sweepKind(ctx, name+"-gate", me, false)
}

// sweepKind sweeps one of the suite's kind clusters under its name's lock;
// a missing cluster is an error only when required.
func sweepKind(ctx context.Context, name string, me suite.LockHolder, required bool) error {
	kubeconfig := filepath.Join(os.TempDir(), "rbac-e2e-"+name+".kubeconfig")
	if _, err := os.Stat(kubeconfig); err != nil {
		if !required {
			return nil
		}
		return fmt.Errorf("no kubeconfig of the suite's kind cluster %q (%v): the cluster is gone, or set E2E_KUBECONFIG", name, err)
	}
	lock, err := suite.AcquireFileLock(filepath.Join(os.TempDir(), "rbac-e2e-"+name+".lock"), fmt.Sprintf("kind cluster %q", name), me, os.Stderr)
	if err != nil {
		return err
	}
	defer lock.Release()
	env, err := suite.NewEnvironment(suite.EnvironmentInput{Kubeconfig: kubeconfig, RunID: me.RunID})
	if err != nil {
		return err
	}
	return sweep(ctx, env, kubeconfig)
}

// sweepExisting sweeps a cluster the suite did not create, under its Lease.
func sweepExisting(ctx context.Context, kubeconfig string, me suite.LockHolder) error {
	env, err := suite.NewEnvironment(suite.EnvironmentInput{Kubeconfig: kubeconfig, RunID: me.RunID})
	if err != nil {
		return err
	}
	lease, err := suite.AcquireLease(ctx, env.Admin, me, time.Minute, os.Stderr)
	if err != nil {
		return err
	}
	defer lease.Release(context.WithoutCancel(ctx))
	return sweep(ctx, env, kubeconfig)
}

func sweep(ctx context.Context, env *suite.Environment, kubeconfig string) error {
	n, err := suite.NewSweeper(env, os.Stdout).Sweep(ctx, suite.ManagedSelector, true)
	if err != nil {
		return err
	}
	fmt.Printf("sweep: %d objects labelled %s deleted from the cluster of %s\n", n, suite.ManagedSelector, kubeconfig)
	return nil
}
