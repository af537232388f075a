package suite

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestFileLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.lock")
	first := LockHolder{RunID: "run-1", Host: "h1", PID: 11, Started: time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)}
	l1, err := AcquireFileLock(path, `kind cluster "c"`, first, nil)
	if err != nil {
		t.Fatal(err)
	}
	// flock is per open file: a second open in this process conflicts like another process would.
	_, err = AcquireFileLock(path, `kind cluster "c"`, ThisRun("run-2"), nil)
	if err == nil {
		t.Fatal("second AcquireFileLock succeeded while the first holds the lock")
	}
	for _, want := range []string{`kind cluster "c" is in use by run run-1 on host h1 (pid 11, started 2026-12-01T20:00:00Z)`, path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if err := l1.Release(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	l2, err := AcquireFileLock(path, `kind cluster "c"`, ThisRun("run-2"), &log)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	if log.Len() != 0 {
		t.Errorf("a released lock was reported as stale: %q", log.String())
	}
	l2.Release()
}

// A holder killed without releasing leaves its record; the next run takes over.
func TestFileLockStale(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.lock")
	if err := os.WriteFile(path, []byte(`{"runID":"dead-run","host":"h","pid":4242,"started":"2026-12-01T20:00:00Z"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	l, err := AcquireFileLock(path, `kind cluster "c"`, ThisRun("run-3"), &log)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if !strings.Contains(log.String(), "taking over the stale lock of kind cluster \"c\": run dead-run on host h (pid 4242") {
		t.Errorf("log = %q", log.String())
	}
}

// The lock holds against another process too (flock(1) is util-linux).
func TestFileLockOtherProcess(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("flock(1) not installed")
	}
	path := filepath.Join(t.TempDir(), "c.lock")
	l, err := AcquireFileLock(path, "c", ThisRun("run-1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if err := exec.Command("flock", "-n", path, "true").Run(); err == nil {
		t.Error("another process locked the file while this run holds it")
	}
}

func TestLease(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset()
	first := LockHolder{RunID: "run-1", Host: "h1", PID: 11, Started: time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)}
	l1, err := AcquireLease(ctx, client, first, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = AcquireLease(ctx, client, ThisRun("run-2"), time.Minute, nil)
	if err == nil {
		t.Fatal("second AcquireLease succeeded while the first holds it")
	}
	if want := "the cluster is in use by run run-1 on host h1 (pid 11, started 2026-12-01T20:00:00Z) (Lease kube-system/rbac-e2e-run-lock"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if err := l1.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoordinationV1().Leases(LeaseNamespace).Get(ctx, LeaseName, metav1.GetOptions{}); err == nil {
		t.Error("the Lease is still there after Release")
	}
	l2, err := AcquireLease(ctx, client, ThisRun("run-2"), time.Minute, nil)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release(ctx)
}

func TestLeaseStale(t *testing.T) {
	ctx := context.Background()
	holder, secs := "dead-run", int32(60)
	old := metav1.NewMicroTime(time.Now().Add(-5 * time.Minute))
	client := fake.NewClientset(&coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: LeaseName, Namespace: LeaseNamespace, Annotations: map[string]string{leaseHost: "h9", leasePID: "99"}},
		Spec:       coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &secs, RenewTime: &old},
	})
	var log bytes.Buffer
	l, err := AcquireLease(ctx, client, ThisRun("run-4"), time.Minute, &log)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(ctx)
	if !strings.Contains(log.String(), "taking over the cluster's stale run lock of run dead-run on host h9 (pid 99") {
		t.Errorf("log = %q", log.String())
	}
	got, _ := client.CoordinationV1().Leases(LeaseNamespace).Get(ctx, LeaseName, metav1.GetOptions{})
	if *got.Spec.HolderIdentity != "run-4" {
		t.Errorf("holder = %s, want run-4", *got.Spec.HolderIdentity)
	}
}
