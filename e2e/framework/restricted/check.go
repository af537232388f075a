package restricted

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// Violations lists what in spec the Pod Security "restricted" profile
// (latest) refuses, one line per rule and container; none means it complies.
// It covers the rules of the baseline and restricted levels that a Pod spec
// written by hand can break; the apiserver's admission remains the judge.
func Violations(spec *corev1.PodSpec) []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		add("host namespaces: hostNetwork=%t hostPID=%t hostIPC=%t", spec.HostNetwork, spec.HostPID, spec.HostIPC)
	}
	for _, v := range spec.Volumes {
		if !allowedVolume(v.VolumeSource) {
			add("volume %q: a type restricted does not allow", v.Name)
		}
	}
	pod := spec.SecurityContext
	if pod == nil {
		pod = &corev1.PodSecurityContext{}
	}
	if pod.RunAsUser != nil && *pod.RunAsUser == 0 {
		add("pod: runAsUser=0")
	}
	for _, c := range allContainers(spec) {
		sc := c.SecurityContext
		if sc == nil {
			sc = &corev1.SecurityContext{}
		}
		name := "container " + c.Name
		if sc.Privileged != nil && *sc.Privileged {
			add("%s: privileged", name)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			add("%s: allowPrivilegeEscalation is not false", name)
		}
		if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
			add("%s: capabilities do not drop ALL", name)
		}
		if sc.Capabilities != nil {
			for _, cap := range sc.Capabilities.Add {
				if cap != "NET_BIND_SERVICE" {
					add("%s: adds capability %s", name, cap)
				}
			}
		}
		if nonRoot := firstSet(sc.RunAsNonRoot, pod.RunAsNonRoot); nonRoot == nil || !*nonRoot {
			add("%s: runAsNonRoot is not true (neither on the container nor on the pod)", name)
		}
		if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			add("%s: runAsUser=0", name)
		}
		seccomp := sc.SeccompProfile
		if seccomp == nil {
			seccomp = pod.SeccompProfile
		}
		if seccomp == nil || (seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault && seccomp.Type != corev1.SeccompProfileTypeLocalhost) {
			add("%s: seccompProfile is not RuntimeDefault or Localhost (neither on the container nor on the pod)", name)
		}
		for _, p := range c.Ports {
			if p.HostPort != 0 {
				add("%s: hostPort %d", name, p.HostPort)
			}
		}
	}
	return out
}

func allContainers(spec *corev1.PodSpec) []corev1.Container {
	all := append(slices.Clone(spec.InitContainers), spec.Containers...)
	for _, e := range spec.EphemeralContainers {
		all = append(all, corev1.Container(e.EphemeralContainerCommon))
	}
	return all
}

func firstSet(vs ...*bool) *bool {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// allowedVolume: restricted allows only these volume types.
func allowedVolume(v corev1.VolumeSource) bool {
	return v.ConfigMap != nil || v.CSI != nil || v.DownwardAPI != nil || v.EmptyDir != nil ||
		v.Ephemeral != nil || v.PersistentVolumeClaim != nil || v.Projected != nil || v.Secret != nil || v.Image != nil
}
