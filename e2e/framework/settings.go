package framework

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

// Settings are the suite's knobs: each is a flag (after `--` on the ginkgo
// command line) whose default comes from an environment variable.
type Settings struct {
	ClusterName          string
	ReuseCluster         bool
	NodeImage            string
	OfflineNodeImage     string
	KindConfig           string
	Kubeconfig           string
	AllowExistingCluster bool
	Artifacts            string
	GateManifests        string
	GateFixtures         string
}

// RegisterFlags binds the settings to command-line flags.
func (s *Settings) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&s.ClusterName, "cluster-name", env("E2E_CLUSTER_NAME", "rbac-e2e"), "name of the suite's kind cluster (E2E_CLUSTER_NAME)")
	fs.BoolVar(&s.ReuseCluster, "reuse-cluster", envBool("E2E_REUSE_CLUSTER"), "reuse a healthy suite cluster of that name and keep it after the run (E2E_REUSE_CLUSTER)")
	fs.StringVar(&s.NodeImage, "node-image", env("E2E_NODE_IMAGE", ""), "node image to create the cluster from, overriding the automatic choice (E2E_NODE_IMAGE)")
	fs.StringVar(&s.OfflineNodeImage, "offline-node-image", env("E2E_OFFLINE_NODE_IMAGE", ""), "tag of the image scripts/node-image builds, used when kind's stock image cannot be had (E2E_OFFLINE_NODE_IMAGE)")
	fs.StringVar(&s.KindConfig, "kind-config", env("E2E_KIND_CONFIG", ""), "kind cluster configuration file for the suite's own cluster (E2E_KIND_CONFIG)")
	fs.StringVar(&s.Kubeconfig, "kubeconfig", env("E2E_KUBECONFIG", ""), "run against an existing cluster instead of creating one (E2E_KUBECONFIG); needs --allow-existing-cluster")
	fs.BoolVar(&s.AllowExistingCluster, "allow-existing-cluster", envBool("E2E_ALLOW_EXISTING_CLUSTER"), "allow running against a cluster the suite did not create; it creates cluster-admin bindings there (E2E_ALLOW_EXISTING_CLUSTER)")
	fs.StringVar(&s.Artifacts, "artifacts", env("ARTIFACTS", "_artifacts"), "folder for reports and logs (ARTIFACTS)")
	fs.StringVar(&s.GateManifests, "gate-manifests", env("E2E_GATE_MANIFESTS", "manifests"), "RBAC manifests the gate applies, relative to the repository root unless absolute (E2E_GATE_MANIFESTS)")
	fs.StringVar(&s.GateFixtures, "gate-fixtures", env("E2E_GATE_FIXTURES", "fixtures/access"), "folder of access-matrix files the gate checks, relative to the repository root unless absolute (E2E_GATE_FIXTURES)")
}

// Validate rejects settings that must not run.
func (s *Settings) Validate() error {
	if s.Kubeconfig != "" && !s.AllowExistingCluster {
		return fmt.Errorf("refusing to run against the cluster of %s: the suite creates ServiceAccounts, ClusterRoles and cluster-admin bindings there. Set E2E_ALLOW_EXISTING_CLUSTER=true (or --allow-existing-cluster) if that cluster is yours to test", s.Kubeconfig)
	}
	return nil
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envBool(name string) bool {
	v, err := strconv.ParseBool(os.Getenv(name))
	return err == nil && v
}
