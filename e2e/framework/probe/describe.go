package probe

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/forensics"
)

// Describe tells what became of a Pod, for failure messages: its phase,
// each container's state and restarts, and the Pod's events.
func Describe(ctx context.Context, c kubernetes.Interface, namespace, name string) string {
	var b strings.Builder
	pod, err := c.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		fmt.Fprintf(&b, "pod %s/%s: %v\n", namespace, name, err)
	} else {
		b.WriteString(DescribeStatus(pod))
	}
	events, err := Events(ctx, c, namespace, name)
	if err != nil {
		fmt.Fprintf(&b, "  events: %v\n", err)
		return b.String()
	}
	b.WriteString("  events:\n")
	if len(events) == 0 {
		b.WriteString("    (none)\n")
	}
	b.WriteString(forensics.FormatEventsAs(events, forensics.EventFormat{Indent: "    ", Clock: true, NoObject: true}))
	return b.String()
}

// Events are the events of a Pod, oldest first.
func Events(ctx context.Context, c kubernetes.Interface, namespace, name string) ([]corev1.Event, error) {
	list, err := c.CoreV1().Events(namespace).List(ctx, metav1.ListOptions{
		FieldSelector: fields.Set{"involvedObject.kind": "Pod", "involvedObject.name": name}.String(),
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list.Items, func(a, b corev1.Event) int { return forensics.EventTime(a).Compare(forensics.EventTime(b)) })
	return list.Items, nil
}

// DescribeStatus is the Pod's phase and its containers' states.
func DescribeStatus(pod *corev1.Pod) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pod %s/%s: phase %s", pod.Namespace, pod.Name, pod.Status.Phase)
	if pod.Status.Reason != "" || pod.Status.Message != "" {
		fmt.Fprintf(&b, " (%s: %s)", pod.Status.Reason, pod.Status.Message)
	}
	b.WriteString("\n")
	for _, cond := range pod.Status.Conditions {
		if cond.Status != corev1.ConditionTrue {
			fmt.Fprintf(&b, "  condition %s=%s %s %s\n", cond.Type, cond.Status, cond.Reason, cond.Message)
		}
	}
	if len(pod.Status.ContainerStatuses) == 0 {
		b.WriteString("  no container status yet\n")
	}
	for _, cs := range pod.Status.ContainerStatuses {
		fmt.Fprintf(&b, "  container %s (%s): %s, restarts %d", cs.Name, cs.Image, describeState(cs.State), cs.RestartCount)
		if last := describeState(cs.LastTerminationState); last != "" {
			fmt.Fprintf(&b, ", last %s", last)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func describeState(s corev1.ContainerState) string {
	switch {
	case s.Waiting != nil:
		return strings.TrimSpace(fmt.Sprintf("waiting %s %s", s.Waiting.Reason, s.Waiting.Message))
	case s.Running != nil:
		return "running since " + s.Running.StartedAt.Format("15:04:05")
	case s.Terminated != nil:
		t := s.Terminated
		return strings.TrimSpace(fmt.Sprintf("terminated exit %d %s at %s %s", t.ExitCode, t.Reason, t.FinishedAt.Format("15:04:05"), strings.TrimSpace(t.Message)))
	}
	return ""
}

// CannotStart is the waiting reason of a container that will not start
// without a change to the Pod or the node (the image is missing, with
// imagePullPolicy Never), or "".
func CannotStart(pod *corev1.Pod) string {
	for _, cs := range pod.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil {
			switch w.Reason {
			case "ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError":
				return w.Reason
			}
		}
	}
	return ""
}
