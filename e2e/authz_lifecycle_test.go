package e2e

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
)

var _ = Describe("RBAC authorization: requests end to end", Label("authz"), func() {
	f := framework.New("authz-life", environment)

	// AUTHZ-8: the slide deck's curl session against
	// /apis/apps/v1/namespaces/NS/deployments with its Deployment: without
	// RBAC every step is Forbidden (POST for admin-sa before its binding; GET
	// and DELETE of the existing Deployments for the default ServiceAccount);
	// with the deck's admin-role bound to admin-sa, POST → 201, GET → 200,
	// DELETE → 200 with a Status body of status Success, and the Deployment
	// is gone (404). Each channel runs the life cycle on a Deployment of its
	// own, so neither meets what the other left.
	It("AUTHZ-8: the Deployment life cycle over raw HTTP and client-go", Label("AUTHZ-8"), func(ctx SpecContext) {
		_, adminSA := f.TokenForNew(ctx, "admin-sa")
		nobody := f.TokenFor(ctx, "default")
		steps := seedDeploymentSteps(f, f.Namespace)
		forbidden := func(s access.Subject, r access.Request) access.Expectation {
			return access.DeniedByRBAC(s.User, r)
		}
		f.ExpectAccessPerChannel(ctx, adminSA, steps.create, forbidden(adminSA, steps.create))

		adminRole := f.ApplyFixture(ctx, seed("admin-role.yaml"))
		f.BindClusterWide(ctx, adminRole.GetName(), framework.ServiceAccountSubject(f.Namespace, "admin-sa"))
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, adminSA, access.On("list", "apps", "v1", "deployments").In(f.Namespace), access.Status(200))

		f.ExpectAccessPerChannel(ctx, adminSA, steps.create, access.Status(201))
		f.ExpectAccessPerChannel(ctx, nobody, steps.get, forbidden(nobody, steps.get))
		f.ExpectAccessPerChannel(ctx, nobody, steps.del, forbidden(nobody, steps.del))
		f.ExpectAccessPerChannel(ctx, adminSA, steps.get, access.Status(200))
		deleted := f.ExpectAccessPerChannel(ctx, adminSA, steps.del, access.Status(200))
		expectStatusSuccess(deleted, steps.del.Name)
		f.ExpectAccessPerChannel(ctx, adminSA, steps.get, access.Status(404))
	})

	// AUTHZ-11: the apiserver authenticates, then authorizes, then
	// validates. One invalid Deployment (no containers) sent by a
	// ServiceAccount: 403 before it holds RBAC rights (authorization comes
	// before validation), 422 Invalid once it does, and 401 with a tampered
	// token on that request and on a list it is allowed (authentication comes
	// first). A bad object name is 422 Invalid too.
	It("AUTHZ-11: authentication, then authorization, then validation: 401, 403, 422", Label("AUTHZ-11"), func(ctx SpecContext) {
		_, sa := f.TokenForNew(ctx, "deployer")
		deployment := f.LoadFixture(seed("deployment.yaml"))
		create := access.On("create", "apps", "v1", "deployments").In(f.Namespace)
		noContainers := deployment.DeepCopy()
		Expect(unstructured.SetNestedSlice(noContainers.Object, []any{}, "spec", "template", "spec", "containers")).To(Succeed())
		badName := deployment.DeepCopy()
		badName.SetName("Apitest_Nginx")
		invalid := create.WithBody(jsonOf(noContainers.Object))
		misnamed := create.WithBody(jsonOf(badName.Object))

		f.ExpectAccess(ctx, sa, invalid, access.DeniedByRBAC(sa.User, invalid))

		adminRole := f.ApplyFixture(ctx, seed("admin-role.yaml"))
		f.BindInNamespace(ctx, f.Namespace, framework.ClusterRoleRef(adminRole.GetName()), framework.ServiceAccountSubject(f.Namespace, "deployer"))
		noContainersInvalid := access.Invalid()
		noContainersInvalid.MessageContains = "spec.template.spec.containers: Required value"
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, sa, invalid, noContainersInvalid)
		misnamedInvalid := access.Invalid()
		misnamedInvalid.MessageContains = `metadata.name: Invalid value: "Apitest_Nginx"`
		f.ExpectAccess(ctx, sa, misnamed, misnamedInvalid)

		forged := access.NewSubject(sa.User, tampered(sa.BearerToken()))
		f.ExpectAccess(ctx, forged, invalid, access.Unauthorized())
		f.ExpectAccess(ctx, forged, access.On("list", "apps", "v1", "deployments").In(f.Namespace), access.Unauthorized())
	})
})
