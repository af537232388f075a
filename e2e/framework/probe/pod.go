package probe

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

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

// Object is the Pod to create: restricted security settings, no grace
// period (so the namespace goes fast), the image never pulled.
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
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptr.To(true),
				RunAsUser:      ptr.To[int64](nonRoot),
				RunAsGroup:     ptr.To[int64](nonRoot),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{{
				Name:            Container,
				Image:           p.Image,
				ImagePullPolicy: corev1.PullNever,
				Args:            p.Args.Strings(),
				SecurityContext: &corev1.SecurityContext{
					AllowPrivilegeEscalation: ptr.To(false),
					ReadOnlyRootFilesystem:   ptr.To(true),
					Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				},
			}},
		},
	}
}
