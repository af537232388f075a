package restricted

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func compliant() *corev1.PodSpec {
	return &corev1.PodSpec{
		SecurityContext: PodSecurityContext(),
		Containers:      []corev1.Container{{Name: "c", Image: PauseImage, SecurityContext: ContainerSecurityContext()}},
	}
}

func TestViolations(t *testing.T) {
	tests := []struct {
		name   string
		change func(*corev1.PodSpec)
		want   []string // substrings, one per expected violation; none: complies
	}{
		{name: "the suite's settings comply", change: func(*corev1.PodSpec) {}},
		{name: "no security context at all", change: func(s *corev1.PodSpec) {
			s.SecurityContext, s.Containers[0].SecurityContext = nil, nil
		}, want: []string{"allowPrivilegeEscalation", "drop ALL", "runAsNonRoot", "seccompProfile"}},
		{name: "root user", change: func(s *corev1.PodSpec) { s.SecurityContext.RunAsUser = ptr.To[int64](0) }, want: []string{"pod: runAsUser=0"}},
		{name: "container root user", change: func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.RunAsUser = ptr.To[int64](0) }, want: []string{"container c: runAsUser=0"}},
		{name: "container overrides runAsNonRoot", change: func(s *corev1.PodSpec) { s.Containers[0].SecurityContext.RunAsNonRoot = ptr.To(false) }, want: []string{"runAsNonRoot"}},
		{name: "seccomp on the container is enough", change: func(s *corev1.PodSpec) {
			s.SecurityContext.SeccompProfile = nil
			s.Containers[0].SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
		}},
		{name: "unconfined seccomp", change: func(s *corev1.PodSpec) {
			s.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
		}, want: []string{"seccompProfile"}},
		{name: "added capability", change: func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_ADMIN"}
		}, want: []string{"adds capability NET_ADMIN"}},
		{name: "NET_BIND_SERVICE may be added", change: func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"}
		}},
		{name: "privileged init container", change: func(s *corev1.PodSpec) {
			sc := ContainerSecurityContext()
			sc.Privileged = ptr.To(true)
			s.InitContainers = []corev1.Container{{Name: "init", SecurityContext: sc}}
		}, want: []string{"container init: privileged"}},
		{name: "hostPath volume and host network", change: func(s *corev1.PodSpec) {
			s.HostNetwork = true
			s.Volumes = []corev1.Volume{{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
		}, want: []string{"hostNetwork=true", `volume "h"`}},
		{name: "projected volume", change: func(s *corev1.PodSpec) {
			s.Volumes = []corev1.Volume{{Name: "p", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{}}}}
		}},
		{name: "host port", change: func(s *corev1.PodSpec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 80}}
		}, want: []string{"hostPort 80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := compliant()
			tt.change(spec)
			got := Violations(spec)
			if len(got) != len(tt.want) {
				t.Fatalf("Violations() = %q, want %d matching %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("violation %d = %q, want it to mention %q", i, got[i], w)
				}
			}
		})
	}
}

// TestPauseImageOnEveryNodeImage: the stock kind node image holds kind's
// sandbox image and no other pause tag, so PauseImage must be that one; the
// offline image (scripts/node-image) must tag its pause with it too.
func TestPauseImageOnEveryNodeImage(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kind").Output()
	if err != nil {
		t.Fatalf("locating the kind module: %v", err)
	}
	config := filepath.Join(strings.TrimSpace(string(out)), "images/base/files/etc/containerd/config.toml")
	raw, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*sandbox_image\s*=\s*"([^"]+)"`).FindSubmatch(raw)
	if m == nil {
		t.Fatalf("%s sets no sandbox_image", config)
	}
	if got := string(m[1]); got != PauseImage {
		t.Errorf("kind's sandbox image (%s) is %s, PauseImage is %s", config, got, PauseImage)
	}

	versions := filepath.Join("..", "..", "..", "scripts", "node-image", "versions.env")
	env, err := os.ReadFile(versions)
	if err != nil {
		t.Fatal(err)
	}
	tag := "(not set)"
	if v := regexp.MustCompile(`(?m)^KIND_SANDBOX_PAUSE_VERSION=(\S+)$`).FindSubmatch(env); v != nil {
		tag = string(v[1])
	}
	if "registry.k8s.io/pause:"+tag != PauseImage {
		t.Errorf("%s: KIND_SANDBOX_PAUSE_VERSION=%s, want the tag of %s (the offline image must carry it)", versions, tag, PauseImage)
	}
}
