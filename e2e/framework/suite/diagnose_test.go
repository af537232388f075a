package suite

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestDiagnoseSystem(t *testing.T) {
	ks := "kube-system"
	client := fake.NewClientset(
		&appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "kube-proxy", Namespace: ks}, Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 1}},
		&corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: "kube-proxy.1", Namespace: ks},
			InvolvedObject: corev1.ObjectReference{Kind: "DaemonSet", Name: "kube-proxy", Namespace: ks},
			Type:           corev1.EventTypeWarning, Reason: "FailedCreate", Count: 7,
			Message: `Error creating: pods "kube-proxy-" is forbidden: error looking up service account kube-system/kube-proxy: serviceaccount "kube-proxy" not found`,
		},
		&corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "normal.1", Namespace: ks}, Type: corev1.EventTypeNormal, Reason: "Scheduled", Message: "fine"},
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: ks}, Status: appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{
			{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse, Reason: "MinimumReplicasUnavailable", Message: "Deployment does not have minimum availability."},
		}}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "coredns-abc", Namespace: ks}, Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", Message: "0/1 nodes are available: 1 node(s) had untolerated taint"},
		}}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "kube-controller-manager-n1", Namespace: ks, Labels: map[string]string{"component": "kube-controller-manager"}},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
				{Name: "kube-controller-manager", RestartCount: 4, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 40s"}}},
			}}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}, Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
			{Type: corev1.NodeReady, Status: corev1.ConditionFalse, Reason: "KubeletNotReady", Message: "container runtime network not ready"},
		}}},
	)
	got := strings.Join(DiagnoseSystem(context.Background(), client), "\n")
	for _, want := range []string{
		"Node n1 is not Ready: KubeletNotReady: container runtime network not ready",
		"DaemonSet kube-system/kube-proxy: 0 of 1 Pods ready",
		`kube-system DaemonSet/kube-proxy Warning FailedCreate: Error creating: pods "kube-proxy-" is forbidden: error looking up service account kube-system/kube-proxy: serviceaccount "kube-proxy" not found (x7)`,
		"Deployment kube-system/coredns Available=False: MinimumReplicasUnavailable: Deployment does not have minimum availability.",
		"Pod kube-system/coredns-abc is Pending (PodScheduled=False: Unschedulable: 0/1 nodes are available",
		"Pod kube-system/kube-controller-manager-n1 container kube-controller-manager waiting: CrashLoopBackOff: back-off 40s (restarts 4)",
		"ServiceAccount default/default does not exist: kube-controller-manager is not running (Pod kube-controller-manager-n1, phase Running container kube-controller-manager waiting: CrashLoopBackOff",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnosis lacks %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Scheduled") && strings.Contains(got, "fine") {
		t.Errorf("a Normal event is listed as a cause:\n%s", got)
	}
}

func TestDiagnoseHealthy(t *testing.T) {
	client := fake.NewClientset(&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: "default"}})
	if got := DiagnoseSystem(context.Background(), client); len(got) != 0 {
		t.Errorf("healthy cluster diagnosed: %v", got)
	}
}

func TestWaitForSystemReadyNamesCause(t *testing.T) {
	client := fake.NewClientset() // no kube-proxy, no controller-manager
	err := WaitForSystemReady(context.Background(), client, SystemWait{PodNetwork: true, Timeout: time.Millisecond})
	if err == nil {
		t.Fatal("WaitForSystemReady succeeded on an empty cluster")
	}
	for _, want := range []string{"not ready within 1ms: kube-proxy DaemonSet", "ServiceAccount default/default does not exist: kube-controller-manager is not running (no Pod of it in kube-system)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
