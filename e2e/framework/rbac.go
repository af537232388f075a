package framework

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

// ServiceAccountSubject is the RBAC subject of a ServiceAccount.
func ServiceAccountSubject(namespace, name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: namespace, Name: name}
}

// CreateServiceAccount makes a labelled ServiceAccount in the spec's namespace
// (removed with the namespace).
func (f *Framework) CreateServiceAccount(ctx context.Context, name string) *corev1.ServiceAccount {
	GinkgoHelper()
	Byf("creating ServiceAccount %s/%s", f.Namespace, name)
	sa, err := f.Admin.CoreV1().ServiceAccounts(f.Namespace).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: f.ObjectLabels()},
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "creating ServiceAccount %s/%s", f.Namespace, name)
	return sa
}

// CreateClusterRole makes a labelled ClusterRole with a unique name, deleted
// when the spec ends, and returns its name.
func (f *Framework) CreateClusterRole(ctx context.Context, base string, rules ...rbacv1.PolicyRule) string {
	GinkgoHelper()
	Byf("creating ClusterRole rbac-e2e-%s-… (%s)", base, rulesText(rules))
	cr, err := f.Admin.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "rbac-e2e-" + base + "-", Labels: f.ObjectLabels()},
		Rules:      rules,
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "creating ClusterRole %s", base)
	f.DeleteWhenDone(func(ctx context.Context) error {
		return f.Admin.RbacV1().ClusterRoles().Delete(ctx, cr.Name, metav1.DeleteOptions{})
	})
	return cr.Name
}

// CreateRole makes a labelled Role in a namespace and returns its name.
func (f *Framework) CreateRole(ctx context.Context, namespace, name string, rules ...rbacv1.PolicyRule) string {
	GinkgoHelper()
	Byf("creating Role %s/%s (%s)", namespace, name, rulesText(rules))
	_, err := f.Admin.RbacV1().Roles(namespace).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: f.ObjectLabels()},
		Rules:      rules,
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "creating Role %s/%s", namespace, name)
	return name
}

// BindClusterWide binds a ClusterRole to subjects in every namespace through a
// labelled ClusterRoleBinding with a unique name, deleted when the spec ends.
// It returns the binding's name.
func (f *Framework) BindClusterWide(ctx context.Context, clusterRole string, subjects ...rbacv1.Subject) string {
	GinkgoHelper()
	Byf("binding ClusterRole %s cluster-wide to %s", clusterRole, subjectsText(subjects))
	crb, err := f.Admin.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: bindingPrefix(clusterRole), Labels: f.ObjectLabels()},
		RoleRef:    ClusterRoleRef(clusterRole),
		Subjects:   subjects,
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "binding ClusterRole %s cluster-wide", clusterRole)
	f.DeleteWhenDone(func(ctx context.Context) error {
		return f.Admin.RbacV1().ClusterRoleBindings().Delete(ctx, crb.Name, metav1.DeleteOptions{})
	})
	return crb.Name
}

// UnbindClusterWide deletes a ClusterRoleBinding made by BindClusterWide.
func (f *Framework) UnbindClusterWide(ctx context.Context, name string) {
	GinkgoHelper()
	Byf("deleting ClusterRoleBinding %s", name)
	Expect(f.Admin.RbacV1().ClusterRoleBindings().Delete(ctx, name, metav1.DeleteOptions{})).To(Succeed())
}

// RoleRef refers a RoleBinding to the Role name of the binding's namespace.
func RoleRef(name string) rbacv1.RoleRef {
	return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}
}

// ClusterRoleRef refers a binding to the ClusterRole name.
func ClusterRoleRef(name string) rbacv1.RoleRef {
	return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}
}

// BindInNamespace binds a Role or ClusterRole (RoleRef, ClusterRoleRef; an
// empty APIGroup is RBAC's) to subjects in one namespace through a labelled
// RoleBinding, and returns its name.
func (f *Framework) BindInNamespace(ctx context.Context, namespace string, role rbacv1.RoleRef, subjects ...rbacv1.Subject) string {
	GinkgoHelper()
	if role.APIGroup == "" {
		role.APIGroup = rbacv1.GroupName
	}
	Byf("binding %s %s in namespace %s to %s", role.Kind, role.Name, namespace, subjectsText(subjects))
	rb, err := f.Admin.RbacV1().RoleBindings(namespace).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: bindingPrefix(role.Name), Labels: f.ObjectLabels()},
		RoleRef:    role,
		Subjects:   subjects,
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "binding %s %s in namespace %s", role.Kind, role.Name, namespace)
	return rb.Name
}

// CreateNamespace makes an extra labelled namespace for specs that span
// namespaces, deleted when the spec ends (kept with a failed spec's objects,
// see Framework.DeleteWhenDone).
func (f *Framework) CreateNamespace(ctx context.Context, base string) string {
	GinkgoHelper()
	Byf("creating namespace rbac-e2e-%s-…", base)
	ns, err := f.Admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		GenerateName: "rbac-e2e-" + base + "-", Labels: f.ObjectLabels(),
	}}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "creating namespace %s", base)
	f.DeleteWhenDone(func(ctx context.Context) error {
		return f.Admin.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{})
	})
	return ns.Name
}

// TokenForNew creates a ServiceAccount and returns a token for it.
func (f *Framework) TokenForNew(ctx context.Context, name string, opts ...identity.TokenOption) (*corev1.ServiceAccount, access.Subject) {
	GinkgoHelper()
	sa := f.CreateServiceAccount(ctx, name)
	return sa, f.TokenFor(ctx, name, opts...)
}

// bindingPrefix names a binding after its role, once prefixed with the suite's name.
func bindingPrefix(role string) string {
	return "rbac-e2e-" + strings.TrimPrefix(role, "rbac-e2e-") + "-"
}
