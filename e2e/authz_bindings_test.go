package e2e

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
)

var _ = Describe("RBAC authorization: bindings", Label("authz"), func() {
	f := framework.New("authz-bind", environment)

	// AUTHZ-2: the seed's `kubectl create clusterrolebinding default-view
	// --clusterrole=view --serviceaccount=NS:default` (fixtures/seed/
	// default-view.yaml) lets the default ServiceAccount list pods in every
	// namespace and list namespaces. view is read-only and leaves out
	// Secrets: writes to pods and deployments, and reading Secrets, stay
	// Forbidden with RBAC's own message.
	It("AUTHZ-2: a view binding allows list, and nothing more", Label("AUTHZ-2"), func(ctx SpecContext) {
		sa := f.TokenFor(ctx, "default")
		f.ApplyFixture(ctx, seed("default-view.yaml"), framework.WithSubjects(framework.ServiceAccountSubject(f.Namespace, "default")))

		f.EventuallyAccess(ctx, f.Timeouts.RBAC, sa, access.On("list", "", "v1", "pods"), access.Status(200))
		f.ExpectAccess(ctx, sa, access.On("list", "", "v1", "namespaces"), access.Status(200))

		steps := seedDeploymentSteps(f, f.Namespace)
		pod := jsonOf(map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": f.Namespace}})
		pods := func(verb string) access.Request { return access.On(verb, "", "v1", "pods").In(f.Namespace) }
		deployments := func(verb string) access.Request { return access.On(verb, "apps", "v1", "deployments").In(f.Namespace) }
		for _, r := range []access.Request{
			pods("create").WithBody(pod),
			pods("update").Named("p").WithBody(pod),
			pods("delete").Named("p"),
			steps.create,
			deployments("update").Named("apitest-nginx").WithBody(steps.create.Body),
			steps.del,
			access.On("get", "", "v1", "secrets").In(f.Namespace).Named("s"),
			access.On("list", "", "v1", "secrets").In(f.Namespace),
			access.On("list", "", "v1", "secrets"),
		} {
			f.ExpectAccess(ctx, sa, r, access.DeniedByRBAC(sa.User, r))
		}
	})

	// AUTHZ-3: RBAC decides every request afresh. The same token through the
	// same clients — no new login, nothing restarted — is Forbidden, allowed
	// within RBACTimeout once the default-view binding exists, and Forbidden
	// again within RBACTimeout once it is deleted.
	It("AUTHZ-3: bindings act without restarts, both ways", Label("AUTHZ-3"), func(ctx SpecContext) {
		sa := f.TokenFor(ctx, "default")
		list := access.On("list", "", "v1", "pods").In(f.Namespace)
		forbidden := access.DeniedByRBAC(sa.User, list)
		f.ExpectAccess(ctx, sa, list, forbidden)

		start := time.Now()
		binding := f.ApplyFixture(ctx, seed("default-view.yaml"), framework.WithSubjects(framework.ServiceAccountSubject(f.Namespace, "default")))
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, sa, list, access.Status(200))
		GinkgoWriter.Printf("AUTHZ-3: binding %s took effect within %s\n", binding.GetName(), time.Since(start).Round(time.Millisecond))

		start = time.Now()
		f.DeleteApplied(ctx, binding)
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, sa, list, forbidden)
		GinkgoWriter.Printf("AUTHZ-3: its removal took effect within %s\n", time.Since(start).Round(time.Millisecond))
	})

	// AUTHZ-4: where a grant reaches depends on the binding, not the role: a
	// Role with a RoleBinding grants in its namespace only; the seed's
	// ClusterRole admin-role with a RoleBinding grants in the binding's
	// namespace only (not even the ServiceAccount's own); with a
	// ClusterRoleBinding it grants in every namespace and at cluster scope.
	DescribeTable("AUTHZ-4: scope of Role and ClusterRole grants", Label("AUTHZ-4"),
		func(ctx SpecContext, bind func(ctx context.Context, role rbacv1.ClusterRole, other string, subject rbacv1.Subject) string, allowedIn ...string) {
			_, sa := f.TokenForNew(ctx, "scoped")
			other := f.CreateNamespace(ctx, "authz-other")
			role := f.ApplyFixture(ctx, seed("admin-role.yaml"))
			var adminRole rbacv1.ClusterRole
			Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(role.Object, &adminRole)).To(Succeed())
			granted := bind(ctx, adminRole, other, framework.ServiceAccountSubject(f.Namespace, "scoped"))

			scopes := map[string]string{"own": f.Namespace, "other": other, "cluster": ""}
			list := func(scope string) access.Request {
				return access.On("list", "apps", "v1", "deployments").In(scopes[scope])
			}
			f.EventuallyAccess(ctx, f.Timeouts.RBAC, sa, list(granted), access.Status(200))
			for _, scope := range []string{"own", "other", "cluster"} {
				want := access.DeniedByRBAC(sa.User, list(scope))
				for _, a := range allowedIn {
					if a == scope {
						want = access.Status(200)
					}
				}
				f.ExpectAccess(ctx, sa, list(scope), want)
			}
		},
		Entry("Role + RoleBinding: its namespace only",
			func(ctx context.Context, admin rbacv1.ClusterRole, _ string, s rbacv1.Subject) string {
				role := f.CreateRole(ctx, f.Namespace, "deployments", admin.Rules...)
				f.BindInNamespace(ctx, f.Namespace, framework.RoleRef(role), s)
				return "own"
			}, "own"),
		Entry("ClusterRole + RoleBinding: the binding's namespace only",
			func(ctx context.Context, admin rbacv1.ClusterRole, other string, s rbacv1.Subject) string {
				f.BindInNamespace(ctx, other, framework.ClusterRoleRef(admin.Name), s)
				return "other"
			}, "other"),
		Entry("ClusterRole + ClusterRoleBinding: every namespace and the cluster scope",
			func(ctx context.Context, admin rbacv1.ClusterRole, _ string, s rbacv1.Subject) string {
				f.BindClusterWide(ctx, admin.Name, s)
				return "cluster"
			}, "own", "other", "cluster"),
	)
})
