package anonymous

import (
	"context"
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// APIServerSelector selects the kube-apiserver static Pods (kubeadm, kind).
const APIServerSelector = "component=kube-apiserver"

// ReadNodeFile reads a file on a control-plane node; nil when the nodes are
// out of reach.
type ReadNodeFile func(path string) ([]byte, error)

// Discover reads the kube-apiserver Pods in kube-system (their command line
// and, through readNodeFile, the authentication config file they name) and
// decides what a request for path without credentials gets. Every Pod must
// agree; anything that cannot be read makes the answer Unknown, saying why.
func Discover(ctx context.Context, client kubernetes.Interface, readNodeFile ReadNodeFile, path string) Decision {
	pods, err := client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: APIServerSelector})
	if err != nil {
		return Decision{Unknown, fmt.Sprintf("listing kube-system Pods %s: %v", APIServerSelector, err)}
	}
	if len(pods.Items) == 0 {
		return Decision{Unknown, fmt.Sprintf("no kube-system Pod %s (a managed control plane?)", APIServerSelector)}
	}
	var first Decision
	for i := range pods.Items {
		d := fromPod(&pods.Items[i], readNodeFile, path)
		d.Why = fmt.Sprintf("Pod kube-system/%s: %s", pods.Items[i].Name, d.Why)
		if d.Mode == Unknown {
			return d
		}
		if i == 0 {
			first = d
		} else if d.Mode != first.Mode {
			return Decision{Unknown, fmt.Sprintf("the kube-apiserver Pods disagree: %s; %s", first.Why, d.Why)}
		}
	}
	return first
}

func fromPod(pod *corev1.Pod, readNodeFile ReadNodeFile, reqPath string) Decision {
	c := apiserverContainer(pod)
	if c == nil {
		return Decision{Unknown, "no containers"}
	}
	flags, err := ParseFlags(append(append([]string{}, c.Command...), c.Args...))
	if err != nil {
		return Decision{Unknown, "command line: " + err.Error()}
	}
	if flags.AuthenticationConfig == "" {
		return Decide(flags, nil, reqPath)
	}
	file := flags.AuthenticationConfig
	if readNodeFile == nil {
		return Decision{Unknown, fmt.Sprintf("--authentication-config=%s, a file on the node, which is out of reach (not a kind cluster of the local Docker engine)", file)}
	}
	host, err := HostPath(pod, c, file)
	if err != nil {
		return Decision{Unknown, fmt.Sprintf("--authentication-config=%s: %v", file, err)}
	}
	raw, err := readNodeFile(host)
	if err != nil {
		return Decision{Unknown, fmt.Sprintf("--authentication-config=%s: %v", file, err)}
	}
	cfg, err := ParseAuthenticationConfig(raw)
	if err != nil {
		return Decision{Unknown, fmt.Sprintf("--authentication-config=%s (node file %s): %v", file, host, err)}
	}
	return Decide(flags, cfg, reqPath)
}

func apiserverContainer(pod *corev1.Pod) *corev1.Container {
	for i, c := range pod.Spec.Containers {
		if c.Name == "kube-apiserver" {
			return &pod.Spec.Containers[i]
		}
	}
	if len(pod.Spec.Containers) > 0 {
		return &pod.Spec.Containers[0]
	}
	return nil
}

// HostPath maps a path inside container c of pod to the node's file system
// through the hostPath volume mounted there (the deepest mount wins).
func HostPath(pod *corev1.Pod, c *corev1.Container, file string) (string, error) {
	if !path.IsAbs(file) {
		return "", fmt.Errorf("a relative path")
	}
	file = path.Clean(file)
	var best *corev1.VolumeMount
	for i, m := range c.VolumeMounts {
		mp := path.Clean(m.MountPath)
		if (file == mp || strings.HasPrefix(file, strings.TrimSuffix(mp, "/")+"/")) && (best == nil || len(mp) > len(path.Clean(best.MountPath))) {
			best = &c.VolumeMounts[i]
		}
	}
	if best == nil {
		return "", fmt.Errorf("on no volume of container %s: inside its image, not on the node", c.Name)
	}
	for _, v := range pod.Spec.Volumes {
		if v.Name != best.Name {
			continue
		}
		if v.HostPath == nil {
			return "", fmt.Errorf("on volume %q, which is not a hostPath volume", v.Name)
		}
		host := path.Join(v.HostPath.Path, best.SubPath)
		return path.Join(host, strings.TrimPrefix(file, path.Clean(best.MountPath))), nil
	}
	return "", fmt.Errorf("volume %q is mounted but not defined", best.Name)
}
