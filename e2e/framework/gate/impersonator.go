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
// binding, all removed by Close) and returns its token.
func (r *Run) newImpersonator(ctx context.Context) (access.Subject, error) {
	in, admin := r.In, r.In.Admin
	ns, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: r.meta("rbac-e2e-gate-")}, metav1.CreateOptions{})
	if err != nil {
		return access.Subject{}, fmt.Errorf("creating the gate's namespace: %w", err)
	}
	r.namespace = ns.Name
	r.undo = append(r.undo, func(ctx context.Context) error {
		return ignoreNotFound(admin.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{}))
	})
	const saName = "impersonator"
	if _, err := admin.CoreV1().ServiceAccounts(ns.Name).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: saName, Labels: in.Labels},
	}, metav1.CreateOptions{}); err != nil {
		return access.Subject{}, fmt.Errorf("creating ServiceAccount %s/%s: %w", ns.Name, saName, err)
	}
	r.self = rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns.Name, Name: saName}
	if err := r.clusterRole(ctx, "rbac-e2e-gate-impersonator-", rbacv1.PolicyRule{
		APIGroups: []string{""}, Resources: []string{"users", "groups", "serviceaccounts"}, Verbs: []string{"impersonate"},
	}); err != nil {
		return access.Subject{}, err
	}
	if err := identity.WaitForServiceAccount(ctx, admin, ns.Name, saName, 30*time.Second); err != nil {
		return access.Subject{}, err
	}
	sa, _, err := identity.RequestToken(ctx, admin, ns.Name, saName)
	return sa, err
}

// inEffect returns once the authorizer sees RBAC made after the manifests
// were applied, so it sees the manifests too: a ClusterRole,
// ClusterRoleBinding, Role and RoleBinding granting the impersonator a get
// of a marker object are made now, and the authorizer learns each kind
// through a watch that delivers changes in order, so when it answers by
// all four it has seen every RBAC object of the manifests too. Without
// that wait a forbidden row would pass while the binding that allows it
// had not arrived yet. step tells the markers of several applies apart.
func (r *Run) inEffect(ctx context.Context, step int) error {
	in, admin := r.In, r.In.Admin
	marker := InEffectName
	if step > 1 {
		marker = fmt.Sprintf("%s-%d", InEffectName, step)
	}
	if err := r.clusterRole(ctx, "rbac-e2e-gate-in-effect-", rbacv1.PolicyRule{
		APIGroups: []string{""}, Resources: []string{"nodes"}, ResourceNames: []string{marker}, Verbs: []string{"get"},
	}); err != nil {
		return err
	}
	// Role and RoleBinding go with the namespace.
	name := fmt.Sprintf("gate-in-effect-%d", step)
	if _, err := admin.RbacV1().Roles(r.namespace).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: in.Labels},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{marker}, Verbs: []string{"get"}}},
	}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating Role %s/%s: %w", r.namespace, name, err)
	}
	if _, err := admin.RbacV1().RoleBindings(r.namespace).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: in.Labels},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{r.self},
	}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("binding Role %s/%s: %w", r.namespace, name, err)
	}
	in.logf("waiting (up to %s) until the authorizer sees RBAC made after the manifests, so it sees the manifests too\n", in.RBACTimeout)
	start := time.Now()
	for _, req := range []access.Request{
		access.On("get", "", "v1", "nodes").Named(marker),
		access.On("get", "", "v1", "configmaps").Named(marker).In(r.namespace),
	} {
		if err := r.eventually(ctx, func(ctx context.Context) error {
			return in.Checker.Check(ctx, r.impersonator, req, access.Authorized())
		}); err != nil {
			return fmt.Errorf("the gate's own RBAC never took effect within %s: %w", in.RBACTimeout, err)
		}
	}
	in.logf("the manifests' RBAC is in effect (%s after the apply; waited %s)\n",
		time.Since(r.Applied).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return nil
}

// clusterRole makes a labelled ClusterRole and binds it to the
// impersonator cluster-wide; Close removes both.
func (r *Run) clusterRole(ctx context.Context, generate string, rules ...rbacv1.PolicyRule) error {
	admin := r.In.Admin
	cr, err := admin.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: r.meta(generate), Rules: rules}, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("creating ClusterRole %s: %w", generate, err)
	}
	r.undo = append(r.undo, func(ctx context.Context) error {
		return ignoreNotFound(admin.RbacV1().ClusterRoles().Delete(ctx, cr.Name, metav1.DeleteOptions{}))
	})
	crb, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: r.meta(cr.Name + "-"),
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: cr.Name},
		Subjects:   []rbacv1.Subject{r.self},
	}, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("binding ClusterRole %s: %w", cr.Name, err)
	}
	r.undo = append(r.undo, func(ctx context.Context) error {
		return ignoreNotFound(admin.RbacV1().ClusterRoleBindings().Delete(ctx, crb.Name, metav1.DeleteOptions{}))
	})
	return nil
}

func (r *Run) meta(generate string) metav1.ObjectMeta {
	return metav1.ObjectMeta{GenerateName: generate, Labels: r.In.Labels}
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
