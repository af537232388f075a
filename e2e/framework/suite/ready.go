package suite

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// SystemWait says what WaitForSystemReady waits for, how long, and where
// it tells what it waits for.
type SystemWait struct {
	// PodNetwork: kube-proxy ready on every node and CoreDNS available, so
	// that 10.96.0.1 from a Pod is routed to the API server, not out of the
	// node. kube-proxy's readiness alone came too early once on a new
	// cluster (a probe Pod's dial got "connection refused" from the node's
	// guard: the rules were not written yet); CoreDNS, which comes several
	// seconds later, never did in CI. Only Pods that dial the API server (the
	// in-pod probe) need it.
	PodNetwork bool
	Timeout    time.Duration
	// Log gets each change of what is waited for, with the time since the
	// wait began (nil: none).
	Log io.Writer
}

// WaitForSystemReady waits until a new cluster's controllers are up (the
// default ServiceAccount exists: namespaces get theirs, tokens can be
// requested) and, with PodNetwork, until Pods can reach the API server.
// kind's own wait covers node readiness only.
func WaitForSystemReady(ctx context.Context, admin kubernetes.Interface, in SystemWait) error {
	timeout, log := in.Timeout, in.Log
	var last string
	start := time.Now()
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		s := systemNotReady(ctx, admin, in.PodNetwork)
		if ctx.Err() == nil { // not an answer cut short by the deadline
			if s != last && log != nil {
				what := s
				if what == "" {
					what = "ready"
				}
				fmt.Fprintf(log, "system components after %s: %s\n", time.Since(start).Round(10*time.Millisecond), what)
			}
			last = s
		}
		return s == "", nil
	})
	if err != nil {
		// Name the cause, not only the wait that ran out.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		if last == "" {
			last = "no answer from the API server yet"
		}
		causes := DiagnoseSystem(dctx, admin)
		if len(causes) == 0 {
			causes = []string{"no event or condition of kube-system's objects names a cause"}
		}
		return fmt.Errorf("the cluster's system components were not ready within %s: %s\ncauses seen on the cluster:\n  - %s",
			timeout, last, strings.Join(causes, "\n  - "))
	}
	return nil
}

// systemNotReady says what is not ready yet, or "".
func systemNotReady(ctx context.Context, admin kubernetes.Interface, podNetwork bool) string {
	if podNetwork {
		ds, err := admin.AppsV1().DaemonSets("kube-system").Get(ctx, "kube-proxy", metav1.GetOptions{})
		if err != nil {
			return fmt.Sprintf("kube-proxy DaemonSet: %v", err)
		}
		if s := ds.Status; s.DesiredNumberScheduled == 0 || s.NumberReady < s.DesiredNumberScheduled {
			return fmt.Sprintf("kube-proxy ready on %d of %d nodes", s.NumberReady, s.DesiredNumberScheduled)
		}
		dns, err := admin.AppsV1().Deployments("kube-system").Get(ctx, "coredns", metav1.GetOptions{})
		if err != nil {
			return fmt.Sprintf("coredns Deployment: %v", err)
		}
		if dns.Status.AvailableReplicas == 0 {
			return "no CoreDNS replica available"
		}
	}
	if _, err := admin.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err != nil {
		return fmt.Sprintf("ServiceAccount default/default: %v", err)
	}
	return ""
}
