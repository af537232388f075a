package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
)

// LockHolder is the run that holds a cluster: shown to a second run.
type LockHolder struct {
	RunID   string    `json:"runID"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

// ThisRun describes the calling process as a lock holder.
func ThisRun(runID string) LockHolder {
	host, _ := os.Hostname()
	return LockHolder{RunID: runID, Host: host, PID: os.Getpid(), Started: time.Now().UTC().Truncate(time.Second)}
}

func (h LockHolder) String() string {
	return fmt.Sprintf("run %s on host %s (pid %d, started %s)", h.RunID, h.Host, h.PID, h.Started.Format(time.RFC3339))
}

// FileLock is an flock(2) on a file: the kernel drops it when the holder's
// process ends, however it ends, so a lock whose holder is gone is free.
type FileLock struct {
	f *os.File
}

// AcquireFileLock takes the lock at path for me, or fails at once naming the
// holder. A lock file naming a holder whose process is gone is taken over,
// with a message.
func AcquireFileLock(path, what string, me LockHolder, log io.Writer) (*FileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file of %s: %w", what, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := readHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is in use by %s (lock file %s): wait for that run to end, or use another cluster name (E2E_CLUSTER_NAME)", what, holder, path)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if old := readHolder(f); old != "" && log != nil {
		fmt.Fprintf(log, "taking over the stale lock of %s: %s is gone\n", what, old)
	}
	data, _ := json.Marshal(me)
	if err := writeAll(f, data); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing the lock file %s: %w", path, err)
	}
	return &FileLock{f: f}, nil
}

// Release empties the lock file (so no later run sees a stale holder) and
// unlocks it. The file stays: removing it could let two runs lock two files.
func (l *FileLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := writeAll(l.f, nil)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

func writeAll(f *os.File, data []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt(data, 0)
	return err
}

// readHolder describes the holder recorded in the file, "" when none.
func readHolder(f *os.File) string {
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<16))
	if err != nil || len(strings.TrimSpace(string(data))) == 0 {
		return ""
	}
	var h LockHolder
	if json.Unmarshal(data, &h) != nil {
		return fmt.Sprintf("an unknown holder (%q)", strings.TrimSpace(string(data)))
	}
	return h.String()
}

// The run lock on an existing cluster is a Lease the run renews.
const (
	LeaseNamespace = "kube-system"
	LeaseName      = "rbac-e2e-run-lock"
	leaseHost      = "rbac-e2e.io/host"
	leasePID       = "rbac-e2e.io/pid"
	leaseStarted   = "rbac-e2e.io/started"
)

// IsRunLock tells the sweep to spare the run lock.
func IsRunLock(r schema.GroupVersionResource, o *unstructured.Unstructured) bool {
	return r.Group == "coordination.k8s.io" && r.Resource == "leases" && o.GetNamespace() == LeaseNamespace && o.GetName() == LeaseName
}

// LeaseLock is a run's hold on a cluster: a Lease renewed every third of
// its duration and deleted on release.
type LeaseLock struct {
	client   kubernetes.Interface
	me       LockHolder
	duration time.Duration
	stop     context.CancelFunc
	done     sync.WaitGroup
}

// AcquireLease takes the cluster's run lock for me, or fails at once naming
// the holder. A Lease not renewed within its duration (the holder is gone)
// is taken over, with a message.
func AcquireLease(ctx context.Context, client kubernetes.Interface, me LockHolder, duration time.Duration, log io.Writer) (*LeaseLock, error) {
	leases := client.CoordinationV1().Leases(LeaseNamespace)
	now := metav1.NewMicroTime(time.Now())
	secs := int32(duration / time.Second)
	want := func(l *coordinationv1.Lease) {
		l.Labels = map[string]string{ManagedByLabel: ManagedByValue, RunLabel: me.RunID}
		l.Annotations = map[string]string{leaseHost: me.Host, leasePID: strconv.Itoa(me.PID), leaseStarted: me.Started.Format(time.RFC3339)}
		l.Spec = coordinationv1.LeaseSpec{HolderIdentity: &me.RunID, LeaseDurationSeconds: &secs, AcquireTime: &now, RenewTime: &now}
	}
	existing, err := leases.Get(ctx, LeaseName, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		l := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: LeaseName, Namespace: LeaseNamespace}}
		want(l)
		if _, err := leases.Create(ctx, l, metav1.CreateOptions{}); err != nil {
			if apierrors.IsAlreadyExists(err) {
				return nil, fmt.Errorf("the cluster's run lock (Lease %s/%s) was taken by another run just now; try again later", LeaseNamespace, LeaseName)
			}
			return nil, fmt.Errorf("creating the cluster's run lock (Lease %s/%s): %w", LeaseNamespace, LeaseName, err)
		}
	case err != nil:
		return nil, fmt.Errorf("reading the cluster's run lock (Lease %s/%s): %w", LeaseNamespace, LeaseName, err)
	default:
		holder, live, age := leaseState(existing, time.Now())
		if live {
			return nil, fmt.Errorf("the cluster is in use by %s (Lease %s/%s, renewed %s ago): wait for that run to end, or use another cluster", holder, LeaseNamespace, LeaseName, age.Round(time.Second))
		}
		if holder != "" && log != nil {
			fmt.Fprintf(log, "taking over the cluster's stale run lock of %s: not renewed for %s, its run is gone\n", holder, age.Round(time.Second))
		}
		l := existing.DeepCopy()
		want(l)
		if _, err := leases.Update(ctx, l, metav1.UpdateOptions{}); err != nil {
			if apierrors.IsConflict(err) {
				return nil, fmt.Errorf("the cluster's run lock (Lease %s/%s) was taken by another run just now; try again later", LeaseNamespace, LeaseName)
			}
			return nil, fmt.Errorf("taking over the cluster's run lock (Lease %s/%s): %w", LeaseNamespace, LeaseName, err)
		}
	}
	renewCtx, stop := context.WithCancel(context.Background())
	lock := &LeaseLock{client: client, me: me, duration: duration, stop: stop}
	lock.done.Add(1)
	go lock.renew(renewCtx, log)
	return lock, nil
}

// leaseState names the holder of a Lease and tells whether it is still
// renewed in time.
func leaseState(l *coordinationv1.Lease, now time.Time) (holder string, live bool, age time.Duration) {
	if l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity == "" {
		return "", false, 0
	}
	h := LockHolder{RunID: *l.Spec.HolderIdentity, Host: l.Annotations[leaseHost]}
	h.PID, _ = strconv.Atoi(l.Annotations[leasePID])
	h.Started, _ = time.Parse(time.RFC3339, l.Annotations[leaseStarted])
	if l.Spec.RenewTime == nil || l.Spec.LeaseDurationSeconds == nil {
		return h.String(), false, 0
	}
	age = now.Sub(l.Spec.RenewTime.Time)
	return h.String(), age < time.Duration(*l.Spec.LeaseDurationSeconds)*time.Second, age
}

func (l *LeaseLock) renew(ctx context.Context, log io.Writer) {
	defer l.done.Done()
	t := time.NewTicker(l.duration / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := l.renewOnce(ctx); err != nil && ctx.Err() == nil && log != nil {
			fmt.Fprintf(log, "renewing the cluster's run lock: %v\n", err)
		}
	}
}

func (l *LeaseLock) renewOnce(ctx context.Context) error {
	leases := l.client.CoordinationV1().Leases(LeaseNamespace)
	cur, err := leases.Get(ctx, LeaseName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if cur.Spec.HolderIdentity == nil || *cur.Spec.HolderIdentity != l.me.RunID {
		return fmt.Errorf("the lock is no longer this run's: held by %v", cur.Spec.HolderIdentity)
	}
	now := metav1.NewMicroTime(time.Now())
	cur.Spec.RenewTime = &now
	_, err = leases.Update(ctx, cur, metav1.UpdateOptions{})
	return err
}

// Release stops renewing and deletes the Lease if this run still holds it.
func (l *LeaseLock) Release(ctx context.Context) error {
	if l == nil {
		return nil
	}
	l.stop()
	l.done.Wait()
	leases := l.client.CoordinationV1().Leases(LeaseNamespace)
	cur, err := leases.Get(ctx, LeaseName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("releasing the cluster's run lock: %w", err)
	}
	if cur.Spec.HolderIdentity == nil || *cur.Spec.HolderIdentity != l.me.RunID {
		return nil
	}
	uid := cur.UID
	err = leases.Delete(ctx, LeaseName, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("releasing the cluster's run lock: %w", err)
	}
	return nil
}
