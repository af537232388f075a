package gate

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

// newImpersonator makes a ServiceAccount allowed to impersonate users,
// groups and ServiceAccounts (its own labelled namespace, ClusterRole and
// binding, all removed by Close) and returns its token, once the
// authorizer sees it. It is also how the gate knows the manifests' RBAC is
// in effect: its ClusterRole, ClusterRoleBinding, Role and RoleBinding are
// made after the manifests were applied, and the authorizer learns each
// kind through a watch that delivers changes in order, so when it answers
// by all four it has seen every RBAC object of the manifests too. Without
// that wait a forbidden row would pass while the binding that allows it
// had not arrived yet.
func (r *Run) newImpersonator(ctx context.Context) (access.Subject, error) {
	in, admin := r.In, r.In.Admin
	meta := func(generate string) metav1.ObjectMeta {
		return metav1.ObjectMeta{GenerateName: generate, Labels: in.Labels}
	}
	ns, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: meta("rbac-e2e-gate-")}, metav1.CreateOptions{})
	if err != nil {
		return access.Subject{}, fmt.Errorf("creating the gate's namespace: %w", err)
	}
	r.undo = append(r.undo, func(ctx context.Context) error {
		return ignoreNotFound(admin.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{}))
	})
	const saName = "impersonator"
	if _, err := admin.CoreV1().ServiceAccounts(ns.Name).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: saName, Labels: in.Labels},
	}, metav1.CreateOptions{}); err != nil {
		return access.Subject{}, fmt.Errorf("creating ServiceAccount %s/%s: %w", ns.Name, saName, err)
	}
	me := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns.Name, Name: saName}
	cr, err := admin.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: meta("rbac-e2e-gate-impersonator-"),
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"users", "groups", "serviceaccounts"}, Verbs: []string{"impersonate"}},
			{APIGroups: []string{""}, Resources: []string{"nodes"}, ResourceNames: []string{InEffectName}, Verbs: []string{"get"}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		return access.Subject{}, fmt.Errorf("creating the impersonator's ClusterRole: %w", err)
	}
	r.undo = append(r.undo, func(ctx context.Context) error {
		return ignoreNotFound(admin.RbacV1().ClusterRoles().Delete(ctx, cr.Name, metav1.DeleteOptions{}))
	})
	crb, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: meta(cr.Name + "-"),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: cr.Name},
		Subjects:   []rbacv1.Subject{me},
	}, metav1.CreateOptions{})
	if err != nil {
		return access.Subject{}, fmt.Errorf("binding the impersonator's ClusterRole: %w", err)
	}
	r.undo = append(r.undo, func(ctx context.Context) error {
		return ignoreNotFound(admin.RbacV1().ClusterRoleBindings().Delete(ctx, crb.Name, metav1.DeleteOptions{}))
	})
	// Role and RoleBinding go with the namespace.
	if _, err := admin.RbacV1().Roles(ns.Name).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "gate-in-effect", Labels: in.Labels},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{InEffectName}, Verbs: []string{"get"}}},
	}, metav1.CreateOptions{}); err != nil {
		return access.Subject{}, fmt.Errorf("creating Role %s/gate-in-effect: %w", ns.Name, err)
	}
	if _, err := admin.RbacV1().RoleBindings(ns.Name).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "gate-in-effect", Labels: in.Labels},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "gate-in-effect"},
		Subjects:   []rbacv1.Subject{me},
	}, metav1.CreateOptions{}); err != nil {
		return access.Subject{}, fmt.Errorf("binding Role %s/gate-in-effect: %w", ns.Name, err)
	}
	if err := identity.WaitForServiceAccount(ctx, admin, ns.Name, saName, 30*time.Second); err != nil {
		return access.Subject{}, err
	}
	sa, _, err := identity.RequestToken(ctx, admin, ns.Name, saName)
	if err != nil {
		return access.Subject{}, err
	}
	in.logf("waiting (up to %s) until the authorizer sees RBAC made after the manifests, so it sees the manifests too\n", in.RBACTimeout)
	start := time.Now()
	for _, req := range []access.Request{
		access.On("get", "", "v1", "nodes").Named(InEffectName),
		access.On("get", "", "v1", "configmaps").Named(InEffectName).In(ns.Name),
	} {
		if err := r.eventually(ctx, func(ctx context.Context) error {
			return in.Checker.Check(ctx, sa, req, access.Authorized())
		}); err != nil {
			return access.Subject{}, fmt.Errorf("the gate's own RBAC never took effect within %s: %w", in.RBACTimeout, err)
		}
	}
	in.logf("the manifests' RBAC is in effect (%s after the apply; waited %s)\n",
		time.Since(r.Applied).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return sa, nil
}

// eventually polls check every PollInterval until it passes or RBACTimeout
// runs out, returning the last error.
func (r *Run) eventually(ctx context.Context, check func(context.Context) error) error {
	var last error
	// The bound schedules attempts; an attempt runs on ctx, so the bound
	// running out never cuts one short into "no answer".
	err := wait.PollUntilContextTimeout(ctx, r.In.PollInterval, r.In.RBACTimeout, true, func(context.Context) (bool, error) {
		last = check(ctx)
		return last == nil, nil
	})
	if err != nil && last != nil {
		return last
	}
	return err
}

func ignoreNotFound(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
