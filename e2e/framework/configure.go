package framework

import (
	"maps"
	"path/filepath"
)

// Options are what every Framework takes from the run's settings.
type Options struct {
	// Artifacts is the run's artifacts folder: a failed spec's forensics go
	// to Artifacts/specs/<spec>/.
	Artifacts string
	// KeepOnFailure keeps a failed spec's objects for a look.
	KeepOnFailure bool
	// SweepCommand removes every object the suite left on this cluster.
	SweepCommand string
	// Kubeconfig is the admin kubeconfig's path when known before the
	// cluster is up (E2E_KUBECONFIG); the suite's own kind cluster's is
	// taken from Env.
	Kubeconfig string
}

// options are set by Configure, before the spec tree is built.
var options = Options{Artifacts: "_artifacts", SweepCommand: "make sweep"}

// Configure applies the run's settings, once per process before specs run
// (before RunSpecs, so containers read the scaled bounds as they are built):
// the bounds of every wait, and what each Framework takes from the settings.
func Configure(s *Settings) {
	UseTimeouts(s.ScaledTimeouts())
	options = Options{Artifacts: s.Artifacts, KeepOnFailure: s.KeepOnFailure, Kubeconfig: s.Kubeconfig, SweepCommand: SweepCommand(s)}
}

// SweepCommand removes every object the suite left on the settings' cluster.
func SweepCommand(s *Settings) string {
	switch {
	case s.Kubeconfig != "":
		return "E2E_KUBECONFIG=" + s.Kubeconfig + " make sweep"
	case s.ClusterName != "" && s.ClusterName != "rbac-e2e":
		return "E2E_CLUSTER_NAME=" + s.ClusterName + " make sweep"
	}
	return "make sweep"
}

// kubeconfig is the path the removal hint names.
func (o Options) kubeconfig() string {
	if Env != nil && Env.Cluster != nil && Env.Cluster.KubeconfigPath != "" {
		return Env.Cluster.KubeconfigPath
	}
	if o.Kubeconfig != "" {
		if abs, err := filepath.Abs(o.Kubeconfig); err == nil {
			return abs
		}
	}
	return o.Kubeconfig
}

// SpecsDir is where failed specs' forensics go.
func SpecsDir(artifacts string) string { return filepath.Join(artifacts, "specs") }

// withLabels is labels plus more, as a new map.
func withLabels(labels map[string]string, more map[string]string) map[string]string {
	out := maps.Clone(labels)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, more)
	return out
}
