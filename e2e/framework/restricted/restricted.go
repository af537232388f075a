package restricted

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// PauseImage is kind's sandbox image (sandbox_image in the containerd config
// of kind's base image), so every kind node holds it: the stock kindest/node
// image carries only this pause tag (kind's node-image build swaps kubeadm's
// pause for it) and the offline image tags its pause build with it too.
// Pods that use it set imagePullPolicy Never: nothing is ever pulled.
const PauseImage = "registry.k8s.io/pause:3.10"

// User is the non-root user the suite's containers run as (distroless "nonroot").
const User int64 = 65532

// PodSecurityContext is the Pod-level part of "restricted": non-root, a
// non-zero user and group, the runtime's default seccomp profile.
func PodSecurityContext() *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot:   ptr.To(true),
		RunAsUser:      ptr.To(User),
		RunAsGroup:     ptr.To(User),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// ContainerSecurityContext is the container-level part: no privilege
// escalation, every capability dropped, a read-only root file system.
func ContainerSecurityContext() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		ReadOnlyRootFilesystem:   ptr.To(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
}
