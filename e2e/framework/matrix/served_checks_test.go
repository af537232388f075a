package matrix_test

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/matrix"
)

func TestServedChecks(t *testing.T) {
	lists := []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "pods", Namespaced: true, Verbs: []string{"get", "list", "watch", "create", "delete", "deletecollection"}},
			{Name: "pods/log", Namespaced: true, Verbs: []string{"get"}},
			{Name: "pods/proxy", Namespaced: true, Verbs: []string{"get", "create", "list"}},
			{Name: "namespaces", Verbs: []string{"get", "list", "escalate"}},
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{{Name: "deployments", Namespaced: true, Verbs: []string{"patch"}}}},
		// The same group version twice (aggregated and legacy discovery may
		// both answer): each check once.
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{{Name: "deployments", Namespaced: true, Verbs: []string{"patch"}}}},
		{GroupVersion: "not a/group/version"},
	}
	subject := matrix.Subject{ServiceAccount: "ns/root"}
	checks, skipped := matrix.ServedChecks(lists, subject, "ns")

	var got []string
	for _, c := range checks {
		if !c.Allowed || c.Subject.Key() != subject.Key() {
			t.Errorf("%s: want an allowed check of %s, got allowed=%t for %s", c.Target(), subject, c.Allowed, c.Subject)
		}
		got = append(got, c.Request().String())
	}
	want := []string{
		"patch deployments.apps rbac-e2e-gate-probe in namespace ns (PATCH /apis/apps/v1/namespaces/ns/deployments/rbac-e2e-gate-probe?dryRun=All)",
		"get namespaces rbac-e2e-gate-probe at cluster scope (GET /api/v1/namespaces/rbac-e2e-gate-probe)",
		"list namespaces at cluster scope (GET /api/v1/namespaces)",
		"create pods in namespace ns (POST /api/v1/namespaces/ns/pods?dryRun=All)",
		"delete pods rbac-e2e-gate-probe in namespace ns (DELETE /api/v1/namespaces/ns/pods/rbac-e2e-gate-probe?dryRun=All)",
		"deletecollection pods rbac-e2e-gate-probe in namespace ns (DELETE /api/v1/namespaces/ns/pods?dryRun=All&fieldSelector=metadata.name%3Drbac-e2e-gate-probe)",
		"get pods rbac-e2e-gate-probe in namespace ns (GET /api/v1/namespaces/ns/pods/rbac-e2e-gate-probe)",
		"list pods in namespace ns (GET /api/v1/namespaces/ns/pods)",
		"watch pods in namespace ns (GET /api/v1/namespaces/ns/pods?timeoutSeconds=1&watch=true)",
		"get pods/log rbac-e2e-gate-probe in namespace ns (GET /api/v1/namespaces/ns/pods/rbac-e2e-gate-probe/log)",
		"create pods/proxy rbac-e2e-gate-probe in namespace ns (POST /api/v1/namespaces/ns/pods/rbac-e2e-gate-probe/proxy)",
		"get pods/proxy rbac-e2e-gate-probe in namespace ns (GET /api/v1/namespaces/ns/pods/rbac-e2e-gate-probe/proxy)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("checks:\n got %q\nwant %q", got, want)
	}
	if wantSkipped := []string{"escalate v1/namespaces", "list v1/pods/proxy"}; !slices.Equal(skipped, wantSkipped) {
		t.Errorf("skipped: got %q, want %q", skipped, wantSkipped)
	}
}
