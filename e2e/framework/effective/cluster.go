package effective

import (
	"context"
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
)

// ClusterSweep is a whole sweep of a cluster: who (SubjectsOf) and what
// (Enumerate over Discover).
type ClusterSweep struct {
	Client                   kubernetes.Interface // the admin's
	Manifests                []manifest.Object    // their binding subjects and namespaces
	Matrix                   *matrix.Matrix       // its subjects; may be nil
	ServiceAccountNamespaces []string             // all their ServiceAccounts too
	Workers, Tries           int                  // see SweepInput
	// Infer answers candidates in namespaces where no RoleBinding applies
	// to a subject from ElsewhereNamespace instead of asking (see
	// BoundNamespaces): about a third of the reviews on a kind cluster.
	Infer bool
}

// ClusterResult is what SweepCluster found and what it asked.
type ClusterResult struct {
	Snapshot   Snapshot
	Stats      SweepStats
	API        API // what the cluster serves: Checks names resources by it
	Subjects   []matrix.Subject
	Candidates []Permission
}

// SweepCluster discovers the cluster, enumerates the candidates, collects
// the subjects and sweeps them. On a failed review the result still holds
// what was answered.
func SweepCluster(ctx context.Context, cs ClusterSweep) (ClusterResult, error) {
	in, err := Discover(ctx, cs.Client, ManifestNamespaces(cs.Manifests))
	if err != nil {
		return ClusterResult{}, err
	}
	subjects, err := SubjectsOf(ctx, cs.Manifests, cs.Matrix, cs.ServiceAccountNamespaces, cs.Client)
	if err != nil {
		return ClusterResult{}, fmt.Errorf("subjects to sweep: %w", err)
	}
	res := ClusterResult{API: NewAPI(in.Groups, in.Resources), Subjects: subjects, Candidates: Enumerate(in)}
	sweep := SweepInput{Client: cs.Client, Subjects: subjects, Candidates: res.Candidates, Workers: cs.Workers, Tries: cs.Tries}
	if cs.Infer {
		sweep.RoleBindings = append([]rbacv1.RoleBinding{}, in.RoleBindings...)
	}
	res.Snapshot, res.Stats, err = Sweep(ctx, sweep)
	return res, err
}
