package e2e

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
)

var _ = Describe("RBAC authorization", Label("authz"), func() {
	f := framework.New("authz", environment)

	// AUTHZ-1: every new namespace gets a "default" ServiceAccount, and RBAC
	// grants it nothing: its token authenticates (discovery answers) but
	// listing namespaces, or pods anywhere, is Forbidden with RBAC's denial
	// as the scenario quotes it (a contains-check: a cluster with more
	// authorizers may add to the message), and an access review agrees.
	It("AUTHZ-1: the default ServiceAccount is Forbidden", Label("AUTHZ-1"), func(ctx SpecContext) {
		sa := f.TokenFor(ctx, "default")
		cannot := func(resource, scope string) string {
			return fmt.Sprintf(`User %q cannot list resource %q in API group "" %s`, sa.User, resource, scope)
		}
		f.ExpectAccess(ctx, sa, access.On("list", "", "v1", "namespaces"),
			access.ForbiddenContaining(cannot("namespaces", "at the cluster scope")))
		f.ExpectAccess(ctx, sa, access.On("list", "", "v1", "pods"),
			access.ForbiddenContaining(cannot("pods", "at the cluster scope")))
		f.ExpectAccess(ctx, sa, access.On("list", "", "v1", "pods").In(f.Namespace),
			access.ForbiddenContaining(cannot("pods", fmt.Sprintf("in the namespace %q", f.Namespace))))
		f.ExpectAccess(ctx, sa, access.Get("/api"), access.Status(200))
	})
})
