package suite

import (
	"fmt"
	"path/filepath"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/cluster"
)

// Environment is what every spec needs to talk to the cluster, and the run's
// settings it follows. Process 1 of a parallel run brings the cluster up;
// every process builds its own Environment from the shared kubeconfig.
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
	// Timeouts are the run's bounds, resolved and scaled.
	Timeouts Timeouts
	// Options are what every Framework takes from the run's settings.
	Options Options

	mapperOnce sync.Once
	mapper     meta.RESTMapper
}

// EnvironmentInput is what NewEnvironment builds an Environment from.
type EnvironmentInput struct {
	// Kubeconfig is the admin kubeconfig's path.
	Kubeconfig string
	RunID      string
	// Cluster is the kind cluster, when there is one (see Environment).
	Cluster *cluster.Cluster
	// Timeouts are resolved (and scaled) by NewEnvironment; zero fields take
	// their defaults.
	Timeouts Timeouts
	// Options: the zero value takes DefaultOptions.
	Options Options
}

// NewEnvironment loads the admin kubeconfig and builds both access channels
// from its connection settings (server, CA, tls-server-name, proxy-url or
// the environment's proxy), never its credentials.
func NewEnvironment(in EnvironmentInput) (*Environment, error) {
	kubeconfigPath := in.Kubeconfig
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
	opts := in.Options
	if opts == (Options{}) {
		opts = DefaultOptions()
	}
	return &Environment{Admin: admin, Dynamic: dyn, AdminConfig: cfg, Checker: checker, Cluster: in.Cluster, RunID: in.RunID,
		Timeouts: in.Timeouts.Resolved(), Options: opts}, nil
}

// ObjectLabels are the labels of an object made in this run.
func (e *Environment) ObjectLabels() map[string]string {
	return map[string]string{ManagedByLabel: ManagedByValue, RunLabel: e.RunID}
}

// RunSelector selects what this run made.
func (e *Environment) RunSelector() string { return RunLabel + "=" + e.RunID }

// RESTMapper maps kinds to resources through the cluster's discovery, asked
// once per Environment.
func (e *Environment) RESTMapper() meta.RESTMapper {
	e.mapperOnce.Do(func() {
		e.mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(e.Admin.Discovery()))
	})
	return e.mapper
}

// Kubeconfig is the admin kubeconfig's path as a removal hint names it: the
// kind cluster's, or the one the settings gave, made absolute.
func (e *Environment) Kubeconfig() string {
	if e.Cluster != nil && e.Cluster.KubeconfigPath != "" {
		return e.Cluster.KubeconfigPath
	}
	if k := e.Options.Kubeconfig; k != "" {
		if abs, err := filepath.Abs(k); err == nil {
			return abs
		}
		return k
	}
	return ""
}
