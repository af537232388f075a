package suite

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
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
	// GateSnapshot is the recorded effective access (GATE-3); WriteSnapshot
	// makes the gate record it instead of comparing.
	GateSnapshot  string
	WriteSnapshot bool
	// GateBase is a folder of the manifests at the base revision (GATE-4,
	// GATE-5): applied and swept first, for the access diff and for the
	// findings that were there before.
	GateBase string
	// GateAllowList is the audit's allow-list (GATE-5).
	GateAllowList string
	// ParentRunID is set on a nested run started by a spec of another run
	// against the same cluster: it takes no lock and sweeps nothing.
	ParentRunID string
	// ProbeImage is a user-given image of e2e/probe that the cluster's nodes
	// can pull or already have; Pods then use IfNotPresent.
	ProbeImage string
	// RequireAll fails the run when any scenario ID was not verified.
	RequireAll bool
	// SystemReadyTimeout bounds the wait for a new cluster's system Pods.
	SystemReadyTimeout time.Duration
	// Timeouts bound the specs' waits, as given (ScaledTimeouts applies the scale).
	Timeouts Timeouts
	// KeepOnFailure keeps a failed spec's objects for a look.
	KeepOnFailure bool
	// GateCluster is where the gate runs (GateOwnCluster, GateSharedCluster).
	GateCluster string
	// GateApplied: a nested run checks the manifests its parent applied.
	GateApplied bool
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
	fs.StringVar(&s.ParentRunID, "parent-run-id", env("E2E_PARENT_RUN_ID", ""), "run ID of the run that started this one as a nested run against the same cluster: take no lock, sweep nothing (E2E_PARENT_RUN_ID)")
	fs.StringVar(&s.ProbeImage, "probe-image", env("E2E_PROBE_IMAGE", ""), "image of e2e/probe the cluster's nodes can pull or already have, for in-pod specs where the suite cannot load its own (E2E_PROBE_IMAGE)")
	fs.BoolVar(&s.RequireAll, "require-all", envBool("E2E_REQUIRE_ALL"), "fail the run when any scenario ID was not verified on this cluster (E2E_REQUIRE_ALL)")
	fs.DurationVar(&s.SystemReadyTimeout, "system-ready-timeout", envDuration("E2E_SYSTEM_READY_TIMEOUT", 3*time.Minute), "how long a new cluster's system Pods (kube-proxy, CoreDNS, controllers) may take to be ready (E2E_SYSTEM_READY_TIMEOUT)")
	fs.StringVar(&s.GateSnapshot, "gate-snapshot", env("E2E_GATE_SNAPSHOT", "fixtures/snapshot"), "folder of the recorded effective access the gate compares with (E2E_GATE_SNAPSHOT)")
	fs.BoolVar(&s.WriteSnapshot, "write-snapshot", envBool("E2E_WRITE_SNAPSHOT"), "record the effective access into the snapshot folder instead of comparing (E2E_WRITE_SNAPSHOT; make snapshot)")
	fs.StringVar(&s.GateBase, "gate-base", env("E2E_GATE_BASE", ""), "folder of the manifests at the base revision, applied and swept before the working tree's (E2E_GATE_BASE; make access-diff)")
	fs.StringVar(&s.GateAllowList, "gate-allow-list", env("E2E_GATE_ALLOW_LIST", "fixtures/audit/allow.yaml"), "the audit's allow-list of accepted dangerous grants (E2E_GATE_ALLOW_LIST)")
	s.registerTimeoutFlags(fs)
	s.registerGateFlags(fs)
	fs.StringVar(&s.GateFixtures, "gate-fixtures", env("E2E_GATE_FIXTURES", "fixtures/access"), "folder of access-matrix files the gate checks, relative to the repository root unless absolute (E2E_GATE_FIXTURES)")
}

// Validate rejects settings that must not run.
func (s *Settings) Validate() error {
	if s.Kubeconfig != "" && !s.AllowExistingCluster {
		return fmt.Errorf("refusing to run against the cluster of %s: the suite creates ServiceAccounts, ClusterRoles and cluster-admin bindings there. Set E2E_ALLOW_EXISTING_CLUSTER=true (or --allow-existing-cluster) if that cluster is yours to test", s.Kubeconfig)
	}
	if err := s.validateGate(); err != nil {
		return err
	}
	return s.validateTimeouts()
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// envDuration is def when the variable is unset or unparsable.
func envDuration(name string, def time.Duration) time.Duration {
	d, err := time.ParseDuration(os.Getenv(name))
	if err != nil {
		return def
	}
	return d
}

func envBool(name string) bool {
	v, err := strconv.ParseBool(os.Getenv(name))
	return err == nil && v
}
