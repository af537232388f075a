package e2e

import (
	"fmt"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

var _ = Describe("RBAC authorization: roles", Label("authz"), longSpecs(20), func() {
	f := framework.New("authz-roles", environment)

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

		f.EventuallyAccess(ctx, f.Timeouts.RBAC, sa, access.On("list", "", "v1", "namespaces"), access.Status(200))
		for _, ns := range []string{f.Namespace, f.CreateNamespace(ctx, "authz-other")} {
			steps := seedDeploymentSteps(f, ns)
			f.ExpectAccessPerChannel(ctx, sa, steps.create, access.Status(201))
			f.ExpectAccessPerChannel(ctx, sa, steps.get, access.Status(200))
			f.ExpectAccessPerChannel(ctx, sa, steps.del, access.Status(200))
		}
		metrics := access.Get("/metrics")
		f.ExpectAccess(ctx, sa, metrics, access.DeniedByRBAC(sa.User, metrics))
	})

	// AUTHZ-6: a binding to cluster-admin allows everything the cluster
	// serves. Discovery names every resource and subresource of every group
	// version and the verbs of each; every one is sent in its harmless form
	// (reads as they are; writes dry-run with a body no API decodes; objects
	// by a name that does not exist: matrix.Check.PlanOn, which leaves to
	// the access review alone what no harmless form exists for) through both
	// channels and the access review, and must get past the authorizer. The
	// subject is forbidden before the binding, so the binding is what lets it
	// in; the non-resource URLs /metrics, /healthz, /livez, /readyz, /version
	// and /openapi/v2 answer 200 (all but /metrics are open to everyone).
	It("AUTHZ-6: cluster-admin allows every served resource and verb, and the non-resource URLs", Label("AUTHZ-6"), longSpecs(45), func(ctx SpecContext) {
		_, sa := f.TokenForNew(ctx, "root")
		listNamespaces, metrics := access.On("list", "", "v1", "namespaces"), access.Get("/metrics")
		for _, r := range []access.Request{listNamespaces, metrics} {
			f.ExpectAccess(ctx, sa, r, access.DeniedByRBAC(sa.User, r))
		}
		f.BindClusterWide(ctx, "cluster-admin", framework.ServiceAccountSubject(f.Namespace, "root"))
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, sa, listNamespaces, access.Status(200))

		checks := servedChecks(ctx, f, matrix.Subject{ServiceAccount: f.Namespace + "/root"}, f.Namespace)
		sent, codes := expectAllMet("AUTHZ-6: cluster-admin", checkAll(ctx, f, sa, checks, aggregatedOn(ctx, f)))
		resources := map[string]bool{}
		for _, c := range checks {
			resources[c.Resource.String()+"/"+c.Subresource] = true
		}
		for _, u := range []string{"/metrics", "/healthz", "/livez", "/readyz", "/version", "/openapi/v2"} {
			f.ExpectAccess(ctx, sa, access.Get(u), access.Status(200))
		}
		summary := fmt.Sprintf("%d requests over %d resources and subresources allowed on both channels (%d checks × client-go and plain HTTP, each with an access review; %d more by the access review alone); status codes %s; 6 non-resource URLs 200",
			2*sent, len(resources), sent, len(checks)-sent, codesText(codes))
		AddReportEntry("AUTHZ-6", summary)
	})

	// AUTHZ-7: each verb is one HTTP form — POST collection=create, GET
	// item=get, GET collection=list, GET ?watch=true=watch, PUT item=update,
	// PATCH item=patch, DELETE item=delete, DELETE collection=deletecollection
	// — and a Role granting one verb allows exactly that one. Eight
	// ServiceAccounts, each bound to a Role of one verb on ConfigMaps, send
	// all eight forms (a literal table, plain net/http, harmless: dry-run,
	// names that do not exist, undecodable bodies): the server lets each form
	// through for one subject only, the one granted the form's verb, and
	// RBAC's 403 to the seven others names that verb. The same grid goes
	// through the framework's both channels and the access review.
	It("AUTHZ-7: verbs map to HTTP; a Role of one verb allows exactly that verb", Label("AUTHZ-7"), func(ctx SpecContext) {
		var tableVerbs []string
		for _, form := range verbForms {
			tableVerbs = append(tableVerbs, form.verb)
		}
		Expect(tableVerbs).To(ConsistOf(access.Verbs), "the literal table covers every verb the suite knows, once")

		configMaps := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
		var subjects []verbSubject
		for _, verb := range access.Verbs {
			name := "verb-" + verb
			_, sa := f.TokenForNew(ctx, name)
			role := f.CreateRole(ctx, f.Namespace, "configmaps-"+verb,
				rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{verb}})
			f.BindInNamespace(ctx, f.Namespace, framework.RoleRef(role), framework.ServiceAccountSubject(f.Namespace, name))
			subjects = append(subjects, verbSubject{verb: verb, subject: sa})
		}
		var results []access.Result
		for _, s := range subjects {
			var checks []matrix.Check
			for _, verb := range access.Verbs {
				checks = append(checks, matrix.Check{Subject: matrix.Subject{ServiceAccount: f.Namespace + "/verb-" + s.verb},
					Verb: verb, Resource: configMaps, Namespace: f.Namespace, Allowed: verb == s.verb})
			}
			own := checks[slices.Index(access.Verbs, s.verb)]
			ownReq, _ := own.Plan()
			f.EventuallyAccess(ctx, f.Timeouts.RBAC, s.subject, ownReq, own.Expectation())
			results = append(results, checkAll(ctx, f, s.subject, checks, nil)...)
		}

		table := expectVerbMapping(ctx, f, subjects, f.Namespace)
		sent, _ := expectAllMet("AUTHZ-7: one verb per Role, both channels", results)
		GinkgoWriter.Printf("AUTHZ-7: plain HTTP, %d forms × %d subjects:\n%s", len(verbForms), len(subjects), table)
		AddReportEntry("AUTHZ-7", fmt.Sprintf("%d forms × %d one-verb subjects over plain HTTP, then %d checks on both channels and the access review: each form allowed for its own verb only", len(verbForms), len(subjects), sent))
	})
})
