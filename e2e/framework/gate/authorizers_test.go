package gate

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func apiServerWith(args ...string) *fake.Clientset {
	return fake.NewClientset(&corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-apiserver-cp", Namespace: "kube-system", Labels: map[string]string{"component": "kube-apiserver"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Command: append([]string{"kube-apiserver"}, args...)}}},
	})
}

func TestRBACDecidesAlone(t *testing.T) {
	cases := []struct {
		name   string
		client *fake.Clientset
		want   bool
		why    string
	}{
		{"kubeadm's Node,RBAC", apiServerWith("--authorization-mode=Node,RBAC"), true, "Node,RBAC"},
		{"RBAC alone", apiServerWith("--authorization-mode", "RBAC"), true, "RBAC"},
		{"a webhook too", apiServerWith("--authorization-mode=Node,Webhook,RBAC"), false, "Webhook"},
		{"AlwaysAllow", apiServerWith("--authorization-mode=AlwaysAllow"), false, "AlwaysAllow"},
		{"structured configuration", apiServerWith("--authorization-config=/etc/k/authz.yaml"), false, "configuration file"},
		{"no API server Pod in sight", fake.NewClientset(), false, "unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, why := rbacDecidesAlone(context.Background(), c.client)
			if got != c.want || !strings.Contains(why, c.why) {
				t.Errorf("rbacDecidesAlone = %t, %q; want %t and a reason naming %q", got, why, c.want, c.why)
			}
		})
	}
}
