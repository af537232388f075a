package effective_test

import (
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/effective"
)

func strs(ps []effective.Permission) map[string]effective.Permission {
	out := map[string]effective.Permission{}
	for _, p := range ps {
		out[p.String()] = p
	}
	return out
}

func TestEnumerate(t *testing.T) {
	in := testInput()
	got := effective.Enumerate(in)
	have := strs(got)

	if !slices.IsSortedFunc(got, effective.Compare) {
		t.Error("Enumerate() is not sorted")
	}
	keys := map[string]bool{}
	for _, p := range got {
		if keys[p.Key()] {
			t.Errorf("Enumerate() repeats %s", p)
		}
		keys[p.Key()] = true
	}

	if want := []string{"apitest", "rbac-e2e-elsewhere", "team-a"}; !slices.Equal(in.Scopes(), want) {
		t.Errorf("Scopes() = %v, want %v", in.Scopes(), want)
	}

	for _, tc := range []struct {
		why  string
		want []string
		not  []string
	}{
		{"subresources are kept, without collection verbs",
			[]string{"get pods/log in namespace team-a", "create pods/exec in namespace apitest", "update pods/status in namespace rbac-e2e-elsewhere",
				"create serviceaccounts/token in namespace team-a", "get nodes/proxy at cluster scope", "update deployments.apps/scale in namespace team-a",
				"update certificatesigningrequests.certificates.k8s.io/approval at cluster scope"},
			[]string{"list pods/log in namespace team-a", "watch pods/status at cluster scope", "get pods/log at cluster scope"}},
		{"scopes: RoleBinding namespaces, manifest namespaces, elsewhere; namespaced at cluster scope only list and watch",
			[]string{"list pods at cluster scope", "watch secrets at cluster scope", "get secrets in namespace team-a", "get secrets in namespace apitest",
				"get secrets in namespace rbac-e2e-elsewhere", "delete nodes at cluster scope", "deletecollection pods in namespace team-a"},
			[]string{"get secrets at cluster scope", "create pods at cluster scope", "deletecollection pods at cluster scope",
				"get secrets in namespace kube-system", "get nodes in namespace team-a", "create bindings at cluster scope"}},
		{"discovery's verbs only",
			[]string{"create bindings in namespace team-a"},
			[]string{"get bindings in namespace team-a", "list bindings at cluster scope"}},
		{"special verbs",
			[]string{"bind roles.rbac.authorization.k8s.io in namespace team-a", "escalate roles.rbac.authorization.k8s.io in namespace apitest",
				"bind clusterroles.rbac.authorization.k8s.io at cluster scope", "bind clusterroles.rbac.authorization.k8s.io in namespace team-a",
				"escalate clusterroles.rbac.authorization.k8s.io at cluster scope",
				"impersonate users at cluster scope", "impersonate groups at cluster scope", "impersonate serviceaccounts in namespace team-a",
				"impersonate uids.authentication.k8s.io at cluster scope",
				"impersonate userextras.authentication.k8s.io/scopes at cluster scope", "impersonate userextras.authentication.k8s.io/rbac-e2e-made-up at cluster scope",
				"approve signers.certificates.k8s.io at cluster scope", "sign signers.certificates.k8s.io at cluster scope", "attest signers.certificates.k8s.io at cluster scope"},
			[]string{"escalate clusterroles.rbac.authorization.k8s.io in namespace team-a", "bind roles.rbac.authorization.k8s.io at cluster scope",
				"impersonate users in namespace team-a", "use podsecuritypolicies.policy at cluster scope"}},
		{"resourceNames of roles: a Role's in its namespace, a ClusterRole's everywhere",
			[]string{"get configmaps app-config in namespace team-a", "update configmaps app-config in namespace team-a", "list configmaps app-config in namespace team-a",
				"impersonate users alice at cluster scope",
				"update deployments.apps/scale web in namespace apitest", "update deployments.apps/scale web in namespace team-a",
				"impersonate serviceaccounts builder in namespace team-a", "get serviceaccounts builder in namespace rbac-e2e-elsewhere", "list serviceaccounts builder at cluster scope"},
			[]string{"get configmaps app-config in namespace apitest", "list configmaps app-config at cluster scope", "create configmaps app-config in namespace team-a",
				"get nodes node-in-a-role at cluster scope", "get nodes node-in-a-role in namespace team-a", "impersonate serviceaccounts builder at cluster scope"}},
		{"a namespace is authorized in itself",
			[]string{"patch namespaces team-a at cluster scope", "update namespaces/finalize apitest at cluster scope", "get namespaces rbac-e2e-elsewhere at cluster scope"},
			[]string{"create namespaces team-a at cluster scope", "list namespaces/status team-a at cluster scope"}},
		{"URLs: common, the roles', made-up; not what a row cannot hold",
			[]string{"get /metrics", "post /metrics", "delete /debug/pprof", "get /openapi/v2", "get /healthz/etcd", "get /custom/*", "put /rbac-e2e-made-up"},
			[]string{"get *", "get /api/v1/pods"}},
		{"made-up resource and group",
			[]string{"get rbac-e2e-made-up at cluster scope", "deletecollection rbac-e2e-made-up in namespace team-a",
				"create rbac-e2e-made-up.made-up.rbac-e2e.io at cluster scope", "watch rbac-e2e-made-up.made-up.rbac-e2e.io in namespace rbac-e2e-elsewhere"},
			nil},
	} {
		for _, w := range tc.want {
			if _, ok := have[w]; !ok {
				t.Errorf("%s: Enumerate() lacks %q", tc.why, w)
			}
		}
		for _, n := range tc.not {
			if _, ok := have[n]; ok {
				t.Errorf("%s: Enumerate() has %q", tc.why, n)
			}
		}
	}

	// Versions: one per group and resource, the group's first that serves it.
	for _, p := range got {
		switch {
		case p.Group == "apps" && p.Resource == "deployments" && p.Version != "v1",
			p.Group == "apps" && p.Resource == "foos" && p.Version != "v1beta1",
			p.Resource == "users" && p.Version != "v1":
			t.Errorf("%s at version %q", p, p.Version)
		}
	}
	if _, ok := have["list foos.apps at cluster scope"]; !ok {
		t.Error("a resource served only at a group's older version is missing")
	}
	// Signer names hold a "/": no row can name them.
	for s := range have {
		if strings.Contains(s, "example.com/my-signer") {
			t.Errorf("Enumerate() has %q", s)
		}
	}
	t.Logf("%d candidates", len(got))
}

func TestEnumerateServedPodSecurityPolicies(t *testing.T) {
	in := testInput()
	in.Resources = append(in.Resources, &metav1.APIResourceList{GroupVersion: "policy/v1beta1", APIResources: []metav1.APIResource{
		res("podsecuritypolicies", false, all...),
	}})
	have := strs(effective.Enumerate(in))
	for _, w := range []string{"use podsecuritypolicies.policy at cluster scope", "use podsecuritypolicies.policy in namespace team-a"} {
		if _, ok := have[w]; !ok {
			t.Errorf("Enumerate() lacks %q", w)
		}
	}
}

func TestNewAPIWithoutGroups(t *testing.T) {
	_, lists := testDiscovery()
	api := effective.NewAPI(nil, lists)
	if r, ok := api.Lookup("apps", "deployments", ""); !ok || r.Version != "v1beta1" {
		t.Errorf("Lookup(apps deployments) = %+v, %t; without groups the lists' order decides", r, ok)
	}
	if r, ok := api.Lookup("", "pods", "log"); !ok || !r.Namespaced || r.Subresource != "log" {
		t.Errorf("Lookup(pods/log) = %+v, %t", r, ok)
	}
}
