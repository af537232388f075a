package framework

import (
	"fmt"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/cluster"
)

// Environment is what every spec needs to talk to the cluster. Process 1 of
// a parallel run brings the cluster up; every process builds its own
// Environment from the shared kubeconfig.
type Environment struct {
	Admin       kubernetes.Interface
	Dynamic     dynamic.Interface
	AdminConfig *rest.Config
	Checker     *access.Checker
	// Cluster is a kind cluster of the local Docker engine: the suite's own,
	// or the one an existing cluster's kubeconfig points at. nil on any other
	// cluster, where node files (such as the ServiceAccount signing key) are
	// out of reach.
	Cluster *cluster.Cluster
	RunID   string
}

// Env is the environment of this process, set before any spec runs.
var Env *Environment

// NewEnvironment loads the admin kubeconfig and builds both access channels
// from its connection settings (server, CA, tls-server-name, proxy-url or
// the environment's proxy), never its credentials.
func NewEnvironment(kubeconfigPath, runID string, kind *cluster.Cluster) (*Environment, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfigPath)
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig %s: %w", kubeconfigPath, err)
	}
	cfg.QPS, cfg.Burst = 1000, 2000
	if err := rest.LoadTLSFiles(cfg); err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfigPath, err)
	}
	if len(cfg.CAData) == 0 {
		return nil, fmt.Errorf("kubeconfig %s names no cluster CA; the suite verifies TLS and never skips it", kubeconfigPath)
	}
	admin, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	checker, err := access.NewCheckerFor(access.ConnectionOf(cfg))
	if err != nil {
		return nil, err
	}
	return &Environment{Admin: admin, Dynamic: dyn, AdminConfig: cfg, Checker: checker, Cluster: kind, RunID: runID}, nil
}
