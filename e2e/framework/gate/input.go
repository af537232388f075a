package gate

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
)

const (
	// FieldManager owns every field the gate applies.
	FieldManager = "rbac-e2e-gate"
	// Workers bounds the checks in flight: each is three requests
	// (client-go, HTTP, review), and the API server's default in-flight
	// limits and fairness levels serve 32 at once without queueing.
	Workers = 32
	// InEffectName is the object the gate's own RBAC grants a get of, to
	// tell when the authorizer sees RBAC made after the manifests.
	InEffectName = "rbac-e2e-gate-in-effect"
	// MessageRows bounds the failing rows spelled out in a failure
	// message; the report lists every one.
	MessageRows = 100
)

// Input is what a gate run needs: the cluster's admin clients and the
// checker, the run's identity and labels, where reports go, and the local
// input (already validated).
type Input struct {
	Admin   kubernetes.Interface
	Dynamic dynamic.Interface
	Checker *access.Checker
	RunID   string
	// Labels go on every object the gate makes or applies; an object
	// without OwnedLabel=OwnedValue belongs to someone else.
	Labels                 map[string]string
	OwnedLabel, OwnedValue string
	// Artifacts is the run's artifacts folder; reports go to its gate/.
	Artifacts string
	Log       io.Writer

	Matrix    *matrix.Matrix
	Manifests []manifest.Object
	// Base, when set, are the manifests at a base revision: applied and
	// swept before Manifests (the access diff; findings present there are
	// not new).
	Base []manifest.Object
	// AppliedByParent says Manifests are on the cluster already, applied
	// by the run that started this one (a nested run shares its parent's
	// apply): Start finds them instead of applying them, and Close leaves
	// them to that run.
	AppliedByParent bool
	// ServiceAccountNamespaces are swept for every ServiceAccount in them,
	// besides the subjects the manifests and matrices name.
	ServiceAccountNamespaces []string
	// Snapshot is the folder of the recorded effective access.
	Snapshot string
	// AllowList is the audit's allow-list file ("" or missing: none).
	AllowList string

	// ExportEvents writes the cluster's events to a file (when a row failed).
	ExportEvents func(ctx context.Context, path string) error

	RBACTimeout, PollInterval time.Duration
}

// ReportDir is where the gate's reports go.
func (in Input) ReportDir() string { return filepath.Join(in.Artifacts, "gate") }

func (in *Input) defaults() {
	if in.Log == nil {
		in.Log = io.Discard
	}
	if in.RBACTimeout == 0 {
		in.RBACTimeout = 30 * time.Second
	}
	if in.PollInterval == 0 {
		in.PollInterval = 250 * time.Millisecond
	}
}

func (in Input) logf(format string, args ...any) { fmt.Fprintf(in.Log, format, args...) }
