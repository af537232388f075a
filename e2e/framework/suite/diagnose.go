package suite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/forensics"
)

// DiagnoseSystem says why a new cluster's system components are not ready,
// from the objects' own events and conditions: FailedCreate (and other
// Warning) events of the DaemonSets and ReplicaSets, Deployments' conditions,
// Pods that are Pending or whose containers wait or crash, nodes not Ready,
// and a missing default ServiceAccount with the controller-manager down. It
// lists what it finds; it is empty when it finds nothing wrong.
func DiagnoseSystem(ctx context.Context, admin kubernetes.Interface) []string {
	var causes []string
	add := func(format string, a ...any) {
		if c := fmt.Sprintf(format, a...); !slices.Contains(causes, c) {
			causes = append(causes, c)
		}
	}
	if nodes, err := admin.CoreV1().Nodes().List(ctx, metav1.ListOptions{}); err == nil {
		for _, n := range nodes.Items {
			for _, c := range n.Status.Conditions {
				if c.Type == corev1.NodeReady && c.Status != corev1.ConditionTrue {
					add("Node %s is not Ready: %s: %s", n.Name, c.Reason, c.Message)
				}
			}
		}
	}
	if dss, err := admin.AppsV1().DaemonSets("kube-system").List(ctx, metav1.ListOptions{}); err == nil {
		for _, ds := range dss.Items {
			if s := ds.Status; s.NumberReady < s.DesiredNumberScheduled || s.DesiredNumberScheduled == 0 {
				add("DaemonSet kube-system/%s: %d of %d Pods ready", ds.Name, s.NumberReady, s.DesiredNumberScheduled)
			}
		}
	}
	if deps, err := admin.AppsV1().Deployments("kube-system").List(ctx, metav1.ListOptions{}); err == nil {
		for _, d := range deps.Items {
			for _, c := range d.Status.Conditions {
				bad := (c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionFalse) ||
					(c.Type == appsv1.DeploymentReplicaFailure && c.Status == corev1.ConditionTrue) ||
					(c.Type == appsv1.DeploymentProgressing && c.Status == corev1.ConditionFalse)
				if bad {
					add("Deployment kube-system/%s %s=%s: %s: %s", d.Name, c.Type, c.Status, c.Reason, c.Message)
				}
			}
		}
	}
	pods, podsErr := admin.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
	if podsErr == nil {
		for _, p := range pods.Items {
			for _, why := range podTrouble(&p) {
				add("Pod kube-system/%s %s", p.Name, why)
			}
		}
	}
	if evs, err := admin.CoreV1().Events("kube-system").List(ctx, metav1.ListOptions{}); err == nil {
		var warnings []corev1.Event
		for _, e := range evs.Items {
			if e.Type == corev1.EventTypeWarning {
				warnings = append(warnings, e)
			}
		}
		for _, line := range strings.Split(strings.TrimSuffix(forensics.FormatEventsAs(warnings, forensics.EventFormat{Clock: true}), "\n"), "\n") {
			if line != "" {
				add("event %s", line)
			}
		}
	}
	if _, err := admin.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); apierrors.IsNotFound(err) {
		add("ServiceAccount default/default does not exist: %s", controllerManagerState(pods, podsErr))
	}
	return causes
}

// podTrouble says why a Pod is not running well, or nothing.
func podTrouble(p *corev1.Pod) []string {
	var out []string
	if p.Status.Phase == corev1.PodPending {
		why := "is Pending"
		for _, c := range p.Status.Conditions {
			if c.Status == corev1.ConditionFalse && c.Reason != "" {
				why += fmt.Sprintf(" (%s=False: %s: %s)", c.Type, c.Reason, c.Message)
			}
		}
		out = append(out, why)
	}
	if p.Status.Phase == corev1.PodFailed {
		out = append(out, fmt.Sprintf("failed: %s: %s", p.Status.Reason, p.Status.Message))
	}
	for _, cs := range p.Status.ContainerStatuses {
		switch {
		case cs.State.Waiting != nil && cs.State.Waiting.Reason != "ContainerCreating":
			out = append(out, fmt.Sprintf("container %s waiting: %s: %s (restarts %d)", cs.Name, cs.State.Waiting.Reason, cs.State.Waiting.Message, cs.RestartCount))
		case cs.State.Terminated != nil:
			out = append(out, fmt.Sprintf("container %s terminated: %s, exit code %d: %s", cs.Name, cs.State.Terminated.Reason, cs.State.Terminated.ExitCode, cs.State.Terminated.Message))
		}
	}
	return out
}

// controllerManagerState says whether kube-controller-manager (which makes
// every namespace's default ServiceAccount) runs.
func controllerManagerState(pods *corev1.PodList, err error) string {
	if err != nil {
		return fmt.Sprintf("the kube-system Pods cannot be listed: %v", err)
	}
	for _, p := range pods.Items {
		if p.Labels["component"] != "kube-controller-manager" && !strings.HasPrefix(p.Name, "kube-controller-manager") {
			continue
		}
		if trouble := podTrouble(&p); len(trouble) > 0 || p.Status.Phase != corev1.PodRunning {
			return fmt.Sprintf("kube-controller-manager is not running (Pod %s, phase %s %s)", p.Name, p.Status.Phase, strings.Join(trouble, "; "))
		}
		return fmt.Sprintf("kube-controller-manager runs (Pod %s) but has not made it yet", p.Name)
	}
	return "kube-controller-manager is not running (no Pod of it in kube-system)"
}
