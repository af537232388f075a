package e2e

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

// notHeld is how RBAC's escalation check begins its refusal; the missing
// rules follow, one a line.
const notHeld = "is attempting to grant RBAC permissions not currently held:\n"

var _ = Describe("RBAC authorization: privilege boundaries", Label("authz"), func() {
	f := framework.New("authz-priv", environment)

	rbacRule := func(verbs []string, resources ...string) rbacv1.PolicyRule {
		return rbacv1.PolicyRule{APIGroups: []string{rbacv1.GroupName}, Resources: resources, Verbs: verbs}
	}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Labels: f.Env.ObjectLabels()}
	}

	// AUTHZ-9 (roles): a ServiceAccount allowed to create ClusterRoles, and
	// holding nothing more, may create one granting what it holds, but not
	// one granting more: 403 from RBAC's escalation check, which runs after
	// the authorizer allowed the create (the access review says allowed).
	// Once it holds `escalate` on clusterroles, it may.
	It("AUTHZ-9: no escalation through roles, unless the escalate verb is held", Label("AUTHZ-9"), func(ctx SpecContext) {
		_, sa := f.TokenForNew(ctx, "escalator")
		subject := framework.ServiceAccountSubject(f.Namespace, "escalator")
		held := rbacRule([]string{"create", "get", "list", "delete"}, "clusterroles")
		f.BindClusterWide(ctx, f.CreateClusterRole(ctx, "role-writer", held), subject)
		names := newUniqueNames(f, func(ctx context.Context, name string) error {
			return f.Admin.RbacV1().ClusterRoles().Delete(ctx, name, metav1.DeleteOptions{})
		})
		createRole := func(base string, rule rbacv1.PolicyRule) func() access.Request {
			return func() access.Request {
				role := rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
					ObjectMeta: meta(names.next(base)), Rules: []rbacv1.PolicyRule{rule}}
				return access.On("create", rbacv1.GroupName, "v1", "clusterroles").WithBody(jsonOf(role))
			}
		}
		readPods := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}

		f.EventuallyAccessPerChannel(ctx, f.Timeouts.RBAC, sa, createRole("held", held), access.Status(201))
		f.ExpectAccess(ctx, sa, createRole("more", readPods)(),
			access.RefusedAfterAuthorization(notHeld+`{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`))

		f.BindClusterWide(ctx, f.CreateClusterRole(ctx, "escalate", rbacRule([]string{"escalate"}, "clusterroles")), subject)
		f.EventuallyAccessPerChannel(ctx, f.Timeouts.RBAC, sa, createRole("more", readPods), access.Status(201))
	})

	// AUTHZ-9 (bindings): a ServiceAccount allowed to create
	// ClusterRoleBindings may bind a role whose rights it holds, but not
	// cluster-admin: 403 from the escalation check after authorization. Once
	// it holds `bind` on the ClusterRole cluster-admin, it may.
	It("AUTHZ-9: no escalation through bindings, unless the bind verb is held", Label("AUTHZ-9"), func(ctx SpecContext) {
		_, sa := f.TokenForNew(ctx, "binder")
		subject := framework.ServiceAccountSubject(f.Namespace, "binder")
		writer := f.CreateClusterRole(ctx, "binding-writer", rbacRule([]string{"create", "get", "list", "delete"}, "clusterrolebindings"))
		f.BindClusterWide(ctx, writer, subject)
		names := newUniqueNames(f, func(ctx context.Context, name string) error {
			return f.Admin.RbacV1().ClusterRoleBindings().Delete(ctx, name, metav1.DeleteOptions{})
		})
		// The beneficiary has no tokens: nobody can act with what it is given.
		beneficiary := framework.ServiceAccountSubject(f.Namespace, "beneficiary")
		bindRole := func(base, role string) func() access.Request {
			return func() access.Request {
				binding := rbacv1.ClusterRoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"},
					ObjectMeta: meta(names.next(base)), Subjects: []rbacv1.Subject{beneficiary},
					RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}}
				return access.On("create", rbacv1.GroupName, "v1", "clusterrolebindings").WithBody(jsonOf(binding))
			}
		}

		f.EventuallyAccessPerChannel(ctx, f.Timeouts.RBAC, sa, bindRole("held", writer), access.Status(201))
		f.ExpectAccess(ctx, sa, bindRole("admin", "cluster-admin")(),
			access.RefusedAfterAuthorization(notHeld+`{APIGroups:["*"], Resources:["*"], Verbs:["*"]}`+"\n"+`{NonResourceURLs:["*"], Verbs:["*"]}`))

		bind := rbacRule([]string{"bind"}, "clusterroles")
		bind.ResourceNames = []string{"cluster-admin"}
		f.BindClusterWide(ctx, f.CreateClusterRole(ctx, "bind-cluster-admin", bind), subject)
		f.EventuallyAccessPerChannel(ctx, f.Timeouts.RBAC, sa, bindRole("admin", "cluster-admin"), access.Status(201))
	})

	// AUTHZ-10: impersonation is authorized as the impersonated user. A
	// ServiceAccount bound to cluster-admin may list namespaces itself, but
	// impersonating system:serviceaccount:NS:default it gets that account's
	// 403 (and its discovery 200). A ServiceAccount without the impersonate
	// verb cannot impersonate even a user that may list namespaces: 403
	// naming impersonation. Both channels send Impersonate-User; the access
	// review is made while impersonating (what `kubectl auth can-i --as`
	// asks).
	It("AUTHZ-10: impersonation gets the impersonated user's answer, and needs the impersonate verb", Label("AUTHZ-10"), func(ctx SpecContext) {
		_, admin := f.TokenForNew(ctx, "impersonator")
		f.BindClusterWide(ctx, "cluster-admin", framework.ServiceAccountSubject(f.Namespace, "impersonator"))
		list := access.On("list", "", "v1", "namespaces")
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, admin, list, access.Status(200))

		defaultUser := identity.ServiceAccountUser(f.Namespace, "default")
		asDefault := admin.Impersonating(defaultUser)
		f.ExpectAccess(ctx, asDefault, list, access.DeniedByRBAC(defaultUser, list))
		f.ExpectAccess(ctx, asDefault, access.Get("/api"), access.Status(200))

		_, plain := f.TokenForNew(ctx, "plain")
		f.ExpectAccess(ctx, plain.Impersonating(admin.User), list,
			access.ForbiddenContaining(fmt.Sprintf("User %q cannot impersonate", plain.User)))
	})
})
