package suite

import (
	"flag"
	"fmt"
)

// Where the gate runs (E2E_GATE_CLUSTER).
const (
	// GateOwnCluster: a kind cluster of the gate's own, <cluster name>-gate,
	// so the gate runs beside the scenario specs instead of after them.
	GateOwnCluster = "own"
	// GateSharedCluster: the scenario specs' cluster, the gate Serial
	// (after every other spec): a team's manifests may bind
	// system:serviceaccounts or aggregate into view, which would change
	// what the scenario specs see.
	GateSharedCluster = "shared"
)

func (s *Settings) registerGateFlags(fs *flag.FlagSet) {
	fs.StringVar(&s.GateCluster, "gate-cluster", env("E2E_GATE_CLUSTER", GateOwnCluster),
		`where the gate runs: "own" (a kind cluster of its own, <cluster name>-gate, beside the scenario specs; only for the suite's own clusters) or "shared" (the scenario specs' cluster, after them) (E2E_GATE_CLUSTER)`)
	fs.BoolVar(&s.GateApplied, "gate-applied", envBool("E2E_GATE_APPLIED"),
		"the gate's manifests are applied already by the parent run (nested runs only: needs E2E_PARENT_RUN_ID) (E2E_GATE_APPLIED)")
}

func (s *Settings) validateGate() error {
	switch s.GateCluster {
	case "", GateOwnCluster, GateSharedCluster: // "" is the default, own
	default:
		return fmt.Errorf("E2E_GATE_CLUSTER=%q: want %q or %q", s.GateCluster, GateOwnCluster, GateSharedCluster)
	}
	if s.GateApplied && s.ParentRunID == "" {
		return fmt.Errorf("E2E_GATE_APPLIED is for nested runs (E2E_PARENT_RUN_ID): a run of its own applies the manifests it checks")
	}
	return nil
}

// GateClusterName is the gate's own kind cluster's name.
func (s *Settings) GateClusterName() string { return s.ClusterName + "-gate" }
