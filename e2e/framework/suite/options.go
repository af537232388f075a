package suite

import "path/filepath"

// Options are what every spec's Framework takes from the run's settings.
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
	// taken from the Environment's Cluster.
	Kubeconfig string
}

// DefaultOptions are the options with no setting given.
func DefaultOptions() Options { return Options{Artifacts: "_artifacts", SweepCommand: "make sweep"} }

// Options are the settings' options for every Framework.
func (s *Settings) Options() Options {
	return Options{Artifacts: s.Artifacts, KeepOnFailure: s.KeepOnFailure, Kubeconfig: s.Kubeconfig, SweepCommand: SweepCommand(s)}
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

// SpecsDir is where failed specs' forensics go.
func SpecsDir(artifacts string) string { return filepath.Join(artifacts, "specs") }
