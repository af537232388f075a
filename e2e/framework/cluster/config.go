package cluster

import (
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"
)

// kubeletCgroupV1Patch lets kubelet >= 1.35 run on cgroup v1 hosts; on cgroup
// v2 hosts the field has no effect.
const kubeletCgroupV1Patch = `kind: KubeletConfiguration
apiVersion: kubelet.config.k8s.io/v1beta1
failCgroupV1: false
`

// offlinePodSubnet is kind's default pod subnet, which the offline image's
// static CNI config (scripts/node-image/rootfs) is written for.
const offlinePodSubnet = "10.244.0.0/16"

// KindConfig renders the kind cluster configuration: the user's file when
// given, with what the suite needs on top.
func KindConfig(userConfigPath string, image ImageChoice) (*v1alpha4.Cluster, error) {
	cfg := &v1alpha4.Cluster{}
	if userConfigPath != "" {
		raw, err := os.ReadFile(userConfigPath)
		if err != nil {
			return nil, fmt.Errorf("kind config: %w", err)
		}
		if err := yaml.UnmarshalStrict(raw, cfg); err != nil {
			return nil, fmt.Errorf("kind config %s: %w", userConfigPath, err)
		}
		if cfg.Kind != "Cluster" || cfg.APIVersion != "kind.x-k8s.io/v1alpha4" {
			return nil, fmt.Errorf("kind config %s: want kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4, got kind %q apiVersion %q", userConfigPath, cfg.Kind, cfg.APIVersion)
		}
		if err := resolveHostPaths(cfg, userConfigPath); err != nil {
			return nil, err
		}
	}
	cfg.Kind, cfg.APIVersion = "Cluster", "kind.x-k8s.io/v1alpha4"
	if len(cfg.Nodes) == 0 {
		cfg.Nodes = []v1alpha4.Node{{Role: v1alpha4.ControlPlaneRole}}
	}
	if image.Offline {
		if len(cfg.Nodes) != 1 {
			return nil, fmt.Errorf("kind config %s: the offline node image serves a single node (static CNI), the config has %d", userConfigPath, len(cfg.Nodes))
		}
		if f := cfg.Networking.IPFamily; f != "" && f != v1alpha4.IPv4Family {
			return nil, fmt.Errorf("kind config %s: the offline node image's CNI serves IPv4 only, the config asks for ipFamily %s", userConfigPath, f)
		}
		if s := cfg.Networking.PodSubnet; s != "" && s != offlinePodSubnet {
			return nil, fmt.Errorf("kind config %s: the offline node image's CNI serves podSubnet %s, the config asks for %s", userConfigPath, offlinePodSubnet, s)
		}
		// The offline image has no kindnetd; a static bridge CNI config is baked in.
		cfg.Networking.DisableDefaultCNI = true
	}
	cfg.KubeadmConfigPatches = append(cfg.KubeadmConfigPatches, kubeletCgroupV1Patch)
	return cfg, nil
}

// resolveHostPaths makes each relative extraMounts hostPath relative to the
// config file's folder (kind itself takes it relative to the working
// directory, which for the suite is e2e/), so that a config and the files it
// mounts work from any checkout. A mount whose file is missing fails here,
// naming it, rather than as a failed node start.
func resolveHostPaths(cfg *v1alpha4.Cluster, configPath string) error {
	dir, err := filepath.Abs(filepath.Dir(configPath))
	if err != nil {
		return fmt.Errorf("kind config %s: %w", configPath, err)
	}
	for i := range cfg.Nodes {
		for j := range cfg.Nodes[i].ExtraMounts {
			m := &cfg.Nodes[i].ExtraMounts[j]
			if m.HostPath == "" || filepath.IsAbs(m.HostPath) {
				continue
			}
			abs := filepath.Join(dir, m.HostPath)
			if _, err := os.Stat(abs); err != nil {
				return fmt.Errorf("kind config %s: nodes[%d].extraMounts[%d].hostPath %q (relative to the config's folder): %w", configPath, i, j, m.HostPath, err)
			}
			m.HostPath = abs
		}
	}
	return nil
}
