package probe

import (
	"cmp"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"rbac-e2e/e2e/framework/restricted"
	"rbac-e2e/e2e/probe/wire"
)

// Container is the name of the probe's container.
const Container = "probe"

// Pod describes a Pod that runs the probe.
type Pod struct {
	Name      string
	Namespace string
	Labels    map[string]string
	Image     string // the ref Install returned; the node has it, nothing is pulled
	// PullPolicy is the image's pull policy; "" is Never (Install loaded it
	// into the nodes). A user-given probe image (E2E_PROBE_IMAGE) uses IfNotPresent.
	PullPolicy corev1.PullPolicy
	// ServiceAccount the Pod runs as; "" is the namespace's "default".
	ServiceAccount string
	Args           wire.Args
	// RestartAlways restarts the container whenever it exits, as a Pod made
	// by `kubectl run` or a Deployment does; otherwise it runs once.
	RestartAlways bool
	// AutomountToken sets automountServiceAccountToken on the Pod; nil
	// leaves it to the ServiceAccount (which mounts by default).
	AutomountToken *bool
}

// Object is the Pod to create: Pod Security "restricted" settings, no grace
// period (so the namespace goes fast), the image not pulled unless
// PullPolicy says so. It runs as the image's non-root user and can still
// read its mounted token: with runAsUser set and no fsGroup, the kubelet
// writes the projected token file 0600 owned by that user (seen on v1.37:
// token 0600 uid 65532; ca.crt and namespace 0644 root).
func (p Pod) Object() *corev1.Pod {
	restart := corev1.RestartPolicyNever
	if p.RestartAlways {
		restart = corev1.RestartPolicyAlways
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace, Labels: p.Labels},
		Spec: corev1.PodSpec{
			ServiceAccountName:            p.ServiceAccount,
			AutomountServiceAccountToken:  p.AutomountToken,
			RestartPolicy:                 restart,
			TerminationGracePeriodSeconds: ptr.To[int64](0),
			SecurityContext:               restricted.PodSecurityContext(),
			Containers: []corev1.Container{{
				Name:            Container,
				Image:           p.Image,
				ImagePullPolicy: cmp.Or(p.PullPolicy, corev1.PullNever),
				Args:            p.Args.Strings(),
				SecurityContext: restricted.ContainerSecurityContext(),
			}},
		},
	}
}
