package suite

import (
	"context"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// WaitForSystemReady waits until a new cluster can serve Pods that talk to
// the API server: kube-proxy ready on every node (so 10.96.0.1 is routed to
// the API server, not out of the node), CoreDNS available, and the
// controllers up (the default ServiceAccount exists). kind's own wait covers
// node readiness only.
func WaitForSystemReady(ctx context.Context, admin kubernetes.Interface, timeout time.Duration) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		s := systemNotReady(ctx, admin)
		if ctx.Err() == nil { // not an answer cut short by the deadline
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
func systemNotReady(ctx context.Context, admin kubernetes.Interface) string {
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
	if _, err := admin.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err != nil {
		return fmt.Sprintf("ServiceAccount default/default: %v", err)
	}
	return ""
}
