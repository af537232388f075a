package gate

import (
	"context"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
)

// sweepOnce asks the API server what every subject may do (effective.Sweep
// over effective.SubjectsOf the manifests, base and working tree, and the
// access matrices). The cluster's RBAC that neither the manifests nor the
// cluster itself hold is left out of the candidates and scopes: the gate's
// own (its namespace holds RoleBindings under a generated name) and what
// other specs of a run left while their namespaces terminate, so a
// recording depends on the manifests alone.
func (r *Run) sweepOnce(ctx context.Context) (effective.Snapshot, effective.SweepStats, error) {
	manifests := slices.Concat(r.In.Base, r.In.Manifests)
	in, err := effective.Discover(ctx, r.In.Admin, effective.ManifestNamespaces(manifests))
	if err != nil {
		return nil, effective.SweepStats{}, err
	}
	r.api = effective.NewAPI(in.Groups, in.Resources)
	own := r.ownedNotApplied
	in.Roles = slices.DeleteFunc(in.Roles, func(o rbacv1.Role) bool { return own("Role", o.Namespace, o.Name, o.Labels) })
	in.ClusterRoles = slices.DeleteFunc(in.ClusterRoles, func(o rbacv1.ClusterRole) bool { return own("ClusterRole", "", o.Name, o.Labels) })
	in.RoleBindings = slices.DeleteFunc(in.RoleBindings, func(o rbacv1.RoleBinding) bool { return own("RoleBinding", o.Namespace, o.Name, o.Labels) })
	subjects, err := r.sweepSubjects(ctx, manifests)
	if err != nil {
		return nil, effective.SweepStats{}, err
	}
	sweep := effective.SweepInput{Client: r.In.Admin, Subjects: subjects, Candidates: effective.Enumerate(in)}
	alone, why := rbacDecidesAlone(ctx, r.In.Admin)
	r.In.logf("sweep: %s\n", why)
	if alone {
		sweep.RoleBindings = in.RoleBindings
	}
	return effective.Sweep(ctx, sweep)
}

func (r *Run) sweepSubjects(ctx context.Context, manifests []manifest.Object) ([]matrix.Subject, error) {
	return effective.SubjectsOf(ctx, manifests, r.In.Matrix, r.In.ServiceAccountNamespaces, r.In.Admin)
}

// ownedNotApplied tells the suite's own RBAC objects (labelled managed-by)
// that are not the manifests' of this run.
func (r *Run) ownedNotApplied(kind, namespace, name string, labels map[string]string) bool {
	if labels[r.In.OwnedLabel] != r.In.OwnedValue {
		return false
	}
	for _, a := range r.current {
		if a.GetKind() == kind && a.GetNamespace() == namespace && a.GetName() == name {
			return false
		}
	}
	return true
}
