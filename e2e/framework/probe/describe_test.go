package probe

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func crashedPod(waiting string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{
			Name: Container, Image: "rbac-e2e/probe:x", RestartCount: 2,
			State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: waiting, Message: "back-off 20s"}},
			LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error"}},
		}}},
	}
}

func backOffEvent() *corev1.Event {
	return &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "e", Namespace: "ns"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "p", Namespace: "ns"},
		Type:           "Warning", Reason: "BackOff", Count: 3,
		Message: "Back-off restarting failed container probe in pod p_ns(uid)",
	}
}

func TestDescribe(t *testing.T) {
	c := fake.NewClientset(crashedPod("CrashLoopBackOff"), backOffEvent())
	got := Describe(context.Background(), c, "ns", "p")
	for _, want := range []string{"pod ns/p: phase Running", "waiting CrashLoopBackOff back-off 20s", "restarts 2",
		"last terminated exit 1 Error", "Warning BackOff: Back-off restarting failed container probe in pod p_ns(uid) (x3)"} {
		if !strings.Contains(got, want) {
			t.Errorf("Describe lacks %q:\n%s", want, got)
		}
	}
}

func TestCrashLooping(t *testing.T) {
	ctx := context.Background()
	if err := CrashLooping(ctx, fake.NewClientset(), crashedPod("CrashLoopBackOff")); err != nil {
		t.Errorf("waiting in CrashLoopBackOff: %v", err)
	}
	between := crashedPod("")
	between.Status.ContainerStatuses[0].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}}
	if err := CrashLooping(ctx, fake.NewClientset(), between); err == nil {
		t.Error("no CrashLoopBackOff state and no BackOff event passed")
	}
	if err := CrashLooping(ctx, fake.NewClientset(backOffEvent()), between); err != nil {
		t.Errorf("a BackOff event between syncs: %v", err)
	}
	fresh := crashedPod("CrashLoopBackOff")
	fresh.Status.ContainerStatuses[0].RestartCount = 0
	if err := CrashLooping(ctx, fake.NewClientset(), fresh); err == nil {
		t.Error("a container never restarted passed")
	}
}

func TestCannotStart(t *testing.T) {
	if got := CannotStart(crashedPod("ErrImageNeverPull")); got != "ErrImageNeverPull" {
		t.Errorf("CannotStart = %q", got)
	}
	if got := CannotStart(crashedPod("CrashLoopBackOff")); got != "" {
		t.Errorf("CannotStart of a crash loop = %q, want \"\"", got)
	}
}
