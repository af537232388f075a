package anonymous

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func apiserverPod(name string, args []string, mounts []corev1.VolumeMount, volumes []corev1.Volume) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kube-system", Labels: map[string]string{"component": "kube-apiserver"}},
		Spec: corev1.PodSpec{
			Volumes: volumes,
			Containers: []corev1.Container{{
				Name: "kube-apiserver", Command: append([]string{"kube-apiserver"}, args...), VolumeMounts: mounts,
			}},
		},
	}
}

func hostPathVolume(name, path string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path}}}
}

var authnMount = []corev1.VolumeMount{{Name: "authn", MountPath: "/etc/kubernetes/hardened"}}
var authnVolume = []corev1.Volume{hostPathVolume("authn", "/etc/kubernetes/hardened")}

func files(m map[string]string) ReadNodeFile {
	return func(p string) ([]byte, error) {
		if s, ok := m[p]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("reading %s: no such file", p)
	}
}

func TestDiscover(t *testing.T) {
	const namespaces = "/api/v1/namespaces"
	withConfig := []string{"--authentication-config=/etc/kubernetes/hardened/authentication-config.yaml"}
	node := files(map[string]string{"/etc/kubernetes/hardened/authentication-config.yaml": healthOnly})
	tests := []struct {
		name   string
		pods   []runtime.Object
		read   ReadNodeFile
		want   Mode
		whyHas []string
	}{
		{name: "kubeadm default", pods: []runtime.Object{apiserverPod("kube-apiserver-cp", nil, nil, nil)}, want: Anonymous,
			whyHas: []string{"Pod kube-system/kube-apiserver-cp", "default true"}},
		{name: "flag off, no node needed", pods: []runtime.Object{apiserverPod("a", []string{"--anonymous-auth=false"}, nil, nil)}, want: Refused},
		{name: "health-only config read from the node", read: node, want: Refused,
			pods:   []runtime.Object{apiserverPod("a", withConfig, authnMount, authnVolume)},
			whyHas: []string{"not for /api/v1/namespaces"}},
		{name: "config, node out of reach", want: Unknown,
			pods:   []runtime.Object{apiserverPod("a", withConfig, authnMount, authnVolume)},
			whyHas: []string{"out of reach"}},
		{name: "config on no hostPath volume", read: node, want: Unknown,
			pods:   []runtime.Object{apiserverPod("a", withConfig, nil, nil)},
			whyHas: []string{"inside its image"}},
		{name: "config file missing on the node", read: files(nil), want: Unknown,
			pods:   []runtime.Object{apiserverPod("a", withConfig, authnMount, authnVolume)},
			whyHas: []string{"no such file"}},
		{name: "no apiserver Pod (managed)", want: Unknown, whyHas: []string{"managed control plane"}},
		{name: "Pods disagree", want: Unknown, whyHas: []string{"disagree"},
			pods: []runtime.Object{apiserverPod("a", nil, nil, nil), apiserverPod("b", []string{"--anonymous-auth=false"}, nil, nil)}},
		{name: "Pods agree", want: Refused,
			pods: []runtime.Object{apiserverPod("a", []string{"--anonymous-auth=false"}, nil, nil), apiserverPod("b", []string{"--anonymous-auth=false"}, nil, nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Discover(context.Background(), fake.NewClientset(tt.pods...), tt.read, namespaces)
			if d.Mode != tt.want {
				t.Errorf("Discover() = %v (%s), want %v", d.Mode, d.Why, tt.want)
			}
			for _, w := range tt.whyHas {
				if !strings.Contains(d.Why, w) {
					t.Errorf("Discover() says %q, want it to mention %q", d.Why, w)
				}
			}
		})
	}
}

func TestDiscoverCannotList(t *testing.T) {
	c := fake.NewClientset()
	c.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New(`pods is forbidden: User "u" cannot list resource "pods"`)
	})
	if d := Discover(context.Background(), c, nil, "/api/v1/namespaces"); d.Mode != Unknown || !strings.Contains(d.Why, "forbidden") {
		t.Errorf("Discover() = %v (%s), want Unknown naming the error", d.Mode, d.Why)
	}
}

func TestHostPath(t *testing.T) {
	c := &corev1.Container{Name: "kube-apiserver", VolumeMounts: []corev1.VolumeMount{
		{Name: "etc", MountPath: "/etc/kubernetes"},
		{Name: "deep", MountPath: "/etc/kubernetes/hardened/"},
		{Name: "file", MountPath: "/authn.yaml", SubPath: "x/authn.yaml"},
		{Name: "cfg", MountPath: "/cfg"},
	}}
	pod := &corev1.Pod{Spec: corev1.PodSpec{Volumes: []corev1.Volume{
		hostPathVolume("etc", "/etc/kubernetes"),
		hostPathVolume("deep", "/srv/hardened"),
		hostPathVolume("file", "/srv"),
		{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}}},
	}}}
	for file, want := range map[string]string{
		"/etc/kubernetes/pki/ca.crt":       "/etc/kubernetes/pki/ca.crt",
		"/etc/kubernetes/hardened/a.yaml":  "/srv/hardened/a.yaml",
		"/etc/kubernetes/hardened":         "/srv/hardened",
		"/etc/kubernetes/hardened2/a.yaml": "/etc/kubernetes/hardened2/a.yaml",
		"/authn.yaml":                      "/srv/x/authn.yaml",
		"/cfg/a.yaml":                      "error: not a hostPath volume",
		"/opt/a.yaml":                      "error: inside its image",
		"etc/a.yaml":                       "error: a relative path",
	} {
		got, err := HostPath(pod, c, file)
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != want && !(strings.HasPrefix(want, "error: ") && strings.Contains(got, strings.TrimPrefix(want, "error: "))) {
			t.Errorf("HostPath(%s) = %q, want %q", file, got, want)
		}
	}
}
