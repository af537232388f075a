package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

const header = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n"

const apiserverPatch = `kind: ClusterConfiguration
apiServer:
  extraArgs:
    v: "4"
`

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kind.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestKindConfig(t *testing.T) {
	stock := ImageChoice{Ref: StockImage}
	offline := ImageChoice{Ref: "rbac-e2e-node:offline", Offline: true}
	withPatch := header + "kubeadmConfigPatches:\n- |\n" + indent(apiserverPatch)
	tests := []struct {
		name        string
		file        string // config file content; "" for none
		image       ImageChoice
		wantNodes   int
		wantPatches []string // kubeadm patches before ours
		wantNoCNI   bool
		wantErr     []string // substrings of the error; "$FILE" is the file path
	}{
		{name: "no file", image: stock, wantNodes: 1},
		{name: "no file, offline", image: offline, wantNodes: 1, wantNoCNI: true},
		{name: "user patch kept", file: withPatch, image: stock, wantNodes: 1, wantPatches: []string{apiserverPatch}},
		{name: "user nodes kept", file: header + "nodes:\n- role: control-plane\n- role: worker\n", image: stock, wantNodes: 2},
		{name: "offline, default subnet", file: header + "networking:\n  podSubnet: 10.244.0.0/16\n", image: offline, wantNodes: 1, wantNoCNI: true},
		{name: "wrong kind", file: "kind: Config\napiVersion: kind.x-k8s.io/v1alpha4\n", image: stock,
			wantErr: []string{"$FILE", "want kind: Cluster"}},
		{name: "wrong apiVersion", file: "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha3\n", image: stock,
			wantErr: []string{"$FILE", "kind.x-k8s.io/v1alpha3"}},
		{name: "no kind at all", file: "nodes:\n- role: control-plane\n", image: stock, wantErr: []string{"$FILE"}},
		{name: "unknown field", file: header + "nodez: []\n", image: stock, wantErr: []string{"$FILE", "nodez"}},
		{name: "offline, two nodes", file: header + "nodes:\n- role: control-plane\n- role: worker\n", image: offline,
			wantErr: []string{"$FILE", "single node"}},
		{name: "offline, other subnet", file: header + "networking:\n  podSubnet: 10.245.0.0/16\n", image: offline,
			wantErr: []string{"$FILE", "10.245.0.0/16", "10.244.0.0/16"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeConfig(t, tt.file)
			}
			cfg, err := KindConfig(path, tt.image)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("KindConfig() succeeded, want an error")
				}
				for _, s := range tt.wantErr {
					s = strings.ReplaceAll(s, "$FILE", path)
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("KindConfig() error: %v", err)
			}
			if cfg.Kind != "Cluster" || cfg.APIVersion != "kind.x-k8s.io/v1alpha4" {
				t.Errorf("kind %q apiVersion %q", cfg.Kind, cfg.APIVersion)
			}
			if len(cfg.Nodes) != tt.wantNodes || cfg.Nodes[0].Role != v1alpha4.ControlPlaneRole {
				t.Errorf("nodes = %+v, want %d starting with a control plane", cfg.Nodes, tt.wantNodes)
			}
			if cfg.Networking.DisableDefaultCNI != tt.wantNoCNI {
				t.Errorf("DisableDefaultCNI = %t, want %t", cfg.Networking.DisableDefaultCNI, tt.wantNoCNI)
			}
			patches := cfg.KubeadmConfigPatches
			if len(patches) != len(tt.wantPatches)+1 {
				t.Fatalf("kubeadm patches = %q, want the user's %q and ours", patches, tt.wantPatches)
			}
			for i, want := range tt.wantPatches {
				if patches[i] != want {
					t.Errorf("patch %d = %q, want %q", i, patches[i], want)
				}
			}
			if ours := patches[len(patches)-1]; !strings.Contains(ours, "failCgroupV1: false") || !strings.Contains(ours, "kind: KubeletConfiguration") {
				t.Errorf("last patch = %q, want the kubelet cgroup v1 patch", ours)
			}
		})
	}
}

func TestKindConfigMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.yaml")
	if _, err := KindConfig(path, ImageChoice{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("KindConfig(missing file) error = %v, want one naming %s", err, path)
	}
}

func indent(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "")
}

func TestKindConfigResolvesRelativeHostPaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "files", "authn.yaml"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kind.yaml")
	config := header + `nodes:
- role: control-plane
  extraMounts:
  - hostPath: files/authn.yaml
    containerPath: /etc/kubernetes/hardened/authn.yaml
  - hostPath: ./files
    containerPath: /files
  - hostPath: /var/absolute
    containerPath: /abs
`
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	// From another working directory, as the suite runs from e2e/.
	t.Chdir(t.TempDir())
	cfg, err := KindConfig(path, ImageChoice{Ref: "rbac-e2e-node:offline", Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Nodes[0].ExtraMounts
	want := []string{filepath.Join(dir, "files", "authn.yaml"), filepath.Join(dir, "files"), "/var/absolute"}
	for i, w := range want {
		if got[i].HostPath != w {
			t.Errorf("extraMounts[%d].hostPath = %q, want %q", i, got[i].HostPath, w)
		}
	}

	missing := strings.Replace(config, "files/authn.yaml", "files/absent.yaml", 1)
	if err := os.WriteFile(path, []byte(missing), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := KindConfig(path, ImageChoice{}); err == nil || !strings.Contains(err.Error(), `nodes[0].extraMounts[0].hostPath "files/absent.yaml"`) || !strings.Contains(err.Error(), path) {
		t.Errorf("a missing mount source: error = %v, want one naming the file, the field and the path", err)
	}
}

// The shipped hardened configs load, and their mounted files exist.
func TestShippedKindConfigs(t *testing.T) {
	configs, err := filepath.Glob(filepath.Join("..", "..", "..", "fixtures", "kind", "*.yaml"))
	if err != nil || len(configs) < 3 {
		t.Fatalf("fixtures/kind/*.yaml = %v (%v), want the example and the two hardened configs", configs, err)
	}
	for _, c := range configs {
		cfg, err := KindConfig(c, ImageChoice{Ref: "rbac-e2e-node:offline", Offline: true})
		if err != nil {
			t.Errorf("%s: %v", c, err)
			continue
		}
		for _, n := range cfg.Nodes {
			for _, m := range n.ExtraMounts {
				if !filepath.IsAbs(m.HostPath) {
					t.Errorf("%s: hostPath %q left relative", c, m.HostPath)
				}
			}
		}
	}
}
