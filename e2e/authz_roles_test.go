package e2e

import (
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
)

var _ = Describe("RBAC authorization: roles", Label("authz"), func() {
	f := framework.New("authz-roles")

	// AUTHZ-5: the seed's wildcard ClusterRole sample-cluster-role (apiGroups,
	// resources and verbs "*"), bound cluster-wide by the seed's
	// sample-cluster-role-binding to a ServiceAccount "sample", allows any
	// resource verb anywhere: listing namespaces, and the seed Deployment's
	// create, get and delete in this namespace and in another. It names no
	// nonResourceURLs, so /metrics stays Forbidden.
	It("AUTHZ-5: a wildcard ClusterRole allows every resource, but no non-resource URL", Label("AUTHZ-5"), func(ctx SpecContext) {
		_, sa := f.TokenForNew(ctx, "sample")
		role := f.ApplyFixture(ctx, seed("sample-cluster-role.yaml"))
		f.ApplyFixture(ctx, seed("sample-cluster-role-binding.yaml"), framework.WithRoleRef(role.GetName()),
			framework.WithSubjects(framework.ServiceAccountSubject(f.Namespace, "sample")))

		f.EventuallyAccess(ctx, framework.RBACTimeout, sa, access.On("list", "", "v1", "namespaces"), access.Status(200))
		for _, ns := range []string{f.Namespace, f.CreateNamespace(ctx, "authz-other")} {
			steps := seedDeploymentSteps(f, ns)
			f.ExpectAccessPerChannel(ctx, sa, steps.create, access.Status(201))
			f.ExpectAccessPerChannel(ctx, sa, steps.get, access.Status(200))
			f.ExpectAccessPerChannel(ctx, sa, steps.del, access.Status(200))
		}
		metrics := access.Get("/metrics")
		f.ExpectAccess(ctx, sa, metrics, access.Forbidden(access.ForbiddenMessage(sa.User, metrics)))
	})

	// AUTHZ-6: a binding to cluster-admin allows every verb tried: all eight
	// on ConfigMaps, reads across the API groups (core, apps, rbac, batch,
	// storage, coordination, apiextensions, admissionregistration, scheduling,
	// events) at cluster and namespace scope, and the non-resource URLs
	// /metrics, /healthz, /livez, /readyz and /version.
	It("AUTHZ-6: cluster-admin allows everything tried", Label("AUTHZ-6"), func(ctx SpecContext) {
		_, sa := f.TokenForNew(ctx, "root")
		f.BindClusterWide(ctx, "cluster-admin", framework.ServiceAccountSubject(f.Namespace, "root"))
		f.EventuallyAccess(ctx, framework.RBACTimeout, sa, access.On("list", "", "v1", "namespaces"), access.Status(200))

		for _, row := range configMapVerbs(ctx, f) {
			f.ExpectAccessPerChannel(ctx, sa, row.req, expectedFor(sa.User, row.verb, access.Verbs, f.Namespace))
		}
		for _, r := range []access.Request{
			access.On("get", "", "v1", "namespaces").Named("kube-system"),
			access.On("list", "", "v1", "nodes"),
			access.On("list", "", "v1", "secrets").In("kube-system"),
			access.On("watch", "", "v1", "pods"),
			access.On("get", "", "v1", "serviceaccounts").In(f.Namespace).Named("root"),
			access.On("list", "apps", "v1", "deployments"),
			access.On("list", "rbac.authorization.k8s.io", "v1", "clusterroles"),
			access.On("list", "batch", "v1", "cronjobs").In(f.Namespace),
			access.On("list", "storage.k8s.io", "v1", "storageclasses"),
			access.On("list", "coordination.k8s.io", "v1", "leases").In("kube-system"),
			access.On("list", "apiextensions.k8s.io", "v1", "customresourcedefinitions"),
			access.On("list", "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations"),
			access.On("list", "scheduling.k8s.io", "v1", "priorityclasses"),
			access.On("list", "events.k8s.io", "v1", "events").In("kube-system"),
			access.Get("/metrics"), access.Get("/healthz"), access.Get("/livez"), access.Get("/readyz"), access.Get("/version"),
		} {
			f.ExpectAccess(ctx, sa, r, access.Status(200))
		}
	})

	// AUTHZ-7: each verb is one HTTP request — POST=create, GET item=get, GET
	// collection=list, GET ?watch=true=watch, PUT=update, PATCH=patch, DELETE
	// item=delete, DELETE collection=deletecollection — and a Role granting a
	// subset of the verbs on ConfigMaps allows exactly that subset: every
	// one of the eight is tried, the granted ones succeed, the others get
	// RBAC's 403 naming that verb.
	DescribeTable("AUTHZ-7: verbs map to HTTP; a Role allows exactly its verbs", Label("AUTHZ-7"),
		func(ctx SpecContext, granted ...string) {
			for _, v := range granted {
				Expect(access.Verbs).To(ContainElement(v), "the table grants a verb the suite cannot try")
			}
			_, sa := f.TokenForNew(ctx, "verbs")
			role := f.CreateRole(ctx, f.Namespace, "configmap-verbs",
				rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: granted})
			f.BindInNamespace(ctx, f.Namespace, "Role", role, framework.ServiceAccountSubject(f.Namespace, "verbs"))
			rows := configMapVerbs(ctx, f)

			// Wait for the binding with a request that changes nothing either way.
			probe := access.On("deletecollection", "", "v1", "configmaps").In(f.Namespace).Named("no-such-configmap")
			if slices.Contains(granted, "list") {
				probe = access.On("list", "", "v1", "configmaps").In(f.Namespace)
			}
			Expect(granted).To(ContainElement(probe.Verb), "the wait needs list or deletecollection granted")
			f.EventuallyAccess(ctx, framework.RBACTimeout, sa, probe, access.Status(200))

			var allowed, forbidden []string
			for _, row := range rows {
				expectHTTPShape(row)
				res := f.ExpectAccessPerChannel(ctx, sa, row.req, expectedFor(sa.User, row.verb, granted, f.Namespace))
				if res.Outcomes[0].Code/100 == 2 {
					allowed = append(allowed, row.verb)
				} else {
					forbidden = append(forbidden, row.verb)
				}
			}
			Expect(allowed).To(ConsistOf(granted), "verbs allowed")
			Expect(len(allowed)+len(forbidden)).To(Equal(len(access.Verbs)), "verbs tried")
			GinkgoWriter.Printf("AUTHZ-7: allowed %v, forbidden %v\n", allowed, forbidden)
		},
		Entry("read verbs: get, list, watch", "get", "list", "watch"),
		Entry("write verbs: create, update, patch, delete, deletecollection", "create", "update", "patch", "delete", "deletecollection"),
	)
})
