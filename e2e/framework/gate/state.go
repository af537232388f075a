package gate

import (
	"context"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/rbacpath"
)

// State is the effective access of the cluster after one apply, and the
// RBAC objects that explain it.
type State struct {
	Access effective.Snapshot
	RBAC   rbacpath.Objects
	Sweeps []effective.SweepStats
}

// Head is the effective access with the working tree's manifests applied,
// swept once per run.
func (r *Run) Head(ctx context.Context) (*State, error) {
	r.headOnce.Do(func() { r.head, r.headErr = r.sweepState(ctx) })
	return r.head, r.headErr
}

// Prefetch starts Head's sweep now, so it runs beside the rows' checks
// (which change nothing it reads) instead of after them; Head then waits
// for it. Close stops it.
func (r *Run) Prefetch() {
	r.prefetch = make(chan struct{})
	go func() {
		defer close(r.prefetch)
		_, _ = r.Head(r.bg)
	}()
}

// sweepState waits until aggregation settled (waitAggregated), then
// sweeps once.
func (r *Run) sweepState(ctx context.Context) (*State, error) {
	if err := r.waitAggregated(ctx); err != nil {
		return nil, err
	}
	snap, stats, err := r.sweepOnce(ctx)
	if err != nil {
		return nil, err
	}
	r.In.logf("sweep: %s\n", stats)
	st := &State{Access: snap, Sweeps: []effective.SweepStats{stats}}
	objs, err := r.rbacObjects(ctx)
	if err != nil {
		return nil, err
	}
	st.RBAC = objs
	return st, nil
}

// rbacObjects lists the cluster's RBAC, for the granting paths.
func (r *Run) rbacObjects(ctx context.Context) (rbacpath.Objects, error) {
	rbac := r.In.Admin.RbacV1()
	var o rbacpath.Objects
	crs, err := rbac.ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		return o, err
	}
	roles, err := rbac.Roles("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return o, err
	}
	crbs, err := rbac.ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		return o, err
	}
	rbs, err := rbac.RoleBindings("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return o, err
	}
	own := r.ownedNotApplied
	o.ClusterRoles = slices.DeleteFunc(crs.Items, func(x rbacv1.ClusterRole) bool { return own("ClusterRole", "", x.Name, x.Labels) })
	o.Roles = slices.DeleteFunc(roles.Items, func(x rbacv1.Role) bool { return own("Role", x.Namespace, x.Name, x.Labels) })
	o.ClusterRoleBindings = slices.DeleteFunc(crbs.Items, func(x rbacv1.ClusterRoleBinding) bool {
		return own("ClusterRoleBinding", "", x.Name, x.Labels)
	})
	o.RoleBindings = slices.DeleteFunc(rbs.Items, func(x rbacv1.RoleBinding) bool { return own("RoleBinding", x.Namespace, x.Name, x.Labels) })
	return o, nil
}
