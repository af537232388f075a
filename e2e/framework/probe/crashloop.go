package probe

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
)

// CrashLooping is nil when the kubelet holds the probe container in
// CrashLoopBackOff: it exited non-zero, was restarted, and its restarts are
// being backed off. The waiting reason CrashLoopBackOff shows only between
// the kubelet's syncs of the Pod (kubectl shows "Error" the rest of the
// time), so the kubelet's BackOff event for the container counts too.
func CrashLooping(ctx context.Context, c kubernetes.Interface, pod *corev1.Pod) error {
	var cs *corev1.ContainerStatus
	for i := range pod.Status.ContainerStatuses {
		if pod.Status.ContainerStatuses[i].Name == Container {
			cs = &pod.Status.ContainerStatuses[i]
		}
	}
	if cs == nil || cs.RestartCount == 0 {
		return fmt.Errorf("the probe container has not been restarted")
	}
	exited := cs.LastTerminationState.Terminated
	if t := cs.State.Terminated; t != nil {
		exited = t
	}
	if exited == nil || exited.ExitCode == 0 {
		return fmt.Errorf("the probe container has not exited with an error")
	}
	if w := cs.State.Waiting; w != nil && w.Reason == "CrashLoopBackOff" {
		return nil
	}
	events, err := Events(ctx, c, pod.Namespace, pod.Name)
	if err != nil {
		return err
	}
	for _, e := range events {
		if e.Reason == "BackOff" && strings.Contains(e.Message, "restarting failed container "+Container) {
			return nil
		}
	}
	return fmt.Errorf("the kubelet is not backing off the probe container's restarts (no CrashLoopBackOff state or BackOff event)")
}
