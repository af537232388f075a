package effective_test

import (
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/effective"
)

var all = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}

func res(name string, namespaced bool, verbs ...string) metav1.APIResource {
	return metav1.APIResource{Name: name, Namespaced: namespaced, Verbs: verbs}
}

// testDiscovery is a small cluster's discovery: subresources, a group
// served at two versions, a resource served only at the older one.
func testDiscovery() ([]*metav1.APIGroup, []*metav1.APIResourceList) {
	gv := func(v string) metav1.GroupVersionForDiscovery { return metav1.GroupVersionForDiscovery{Version: v} }
	groups := []*metav1.APIGroup{
		{Name: "", Versions: []metav1.GroupVersionForDiscovery{gv("v1")}, PreferredVersion: gv("v1")},
		{Name: "apps", Versions: []metav1.GroupVersionForDiscovery{gv("v1"), gv("v1beta1")}, PreferredVersion: gv("v1")},
		{Name: "rbac.authorization.k8s.io", Versions: []metav1.GroupVersionForDiscovery{gv("v1")}, PreferredVersion: gv("v1")},
		{Name: "certificates.k8s.io", Versions: []metav1.GroupVersionForDiscovery{gv("v1")}, PreferredVersion: gv("v1")},
	}
	for _, g := range groups {
		for i := range g.Versions {
			g.Versions[i].GroupVersion = metav1.GroupVersion{Group: g.Name, Version: g.Versions[i].Version}.String()
		}
		g.PreferredVersion.GroupVersion = metav1.GroupVersion{Group: g.Name, Version: g.PreferredVersion.Version}.String()
	}
	lists := []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			res("pods", true, all...),
			res("pods/log", true, "get"),
			res("pods/exec", true, "create", "get"),
			res("pods/status", true, "get", "patch", "update"),
			res("secrets", true, all...),
			res("configmaps", true, all...),
			res("serviceaccounts", true, all...),
			res("serviceaccounts/token", true, "create"),
			res("namespaces", false, "create", "delete", "get", "list", "patch", "update", "watch"),
			res("namespaces/status", false, "get", "patch", "update"),
			res("namespaces/finalize", false, "update"),
			res("nodes", false, all...),
			res("nodes/proxy", false, "create", "delete", "get", "patch", "update"),
			res("bindings", true, "create"),
		}},
		{GroupVersion: "apps/v1beta1", APIResources: []metav1.APIResource{
			res("deployments", true, "get", "list"),
			res("foos", true, "get", "list"),
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			res("deployments", true, all...),
			res("deployments/scale", true, "get", "patch", "update"),
		}},
		{GroupVersion: "rbac.authorization.k8s.io/v1", APIResources: []metav1.APIResource{
			res("roles", true, all...),
			res("rolebindings", true, all...),
			res("clusterroles", false, all...),
			res("clusterrolebindings", false, all...),
		}},
		{GroupVersion: "certificates.k8s.io/v1", APIResources: []metav1.APIResource{
			res("certificatesigningrequests", false, all...),
			res("certificatesigningrequests/approval", false, "get", "patch", "update"),
		}},
	}
	return groups, lists
}

func testInput() effective.EnumerateInput {
	groups, lists := testDiscovery()
	return effective.EnumerateInput{
		Groups: groups, Resources: lists,
		Roles: []rbacv1.Role{{
			ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: "team-a"},
			Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"app-config"}, Verbs: []string{"get"}},
				{APIGroups: []string{""}, Resources: []string{"nodes"}, ResourceNames: []string{"node-in-a-role"}, Verbs: []string{"get"}},
			},
		}},
		ClusterRoles: []rbacv1.ClusterRole{
			{ObjectMeta: metav1.ObjectMeta{Name: "impersonate-alice"}, Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"users"}, ResourceNames: []string{"alice"}, Verbs: []string{"impersonate"}},
				{APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"userextras/scopes"}, Verbs: []string{"impersonate"}},
			}},
			{ObjectMeta: metav1.ObjectMeta{Name: "approver"}, Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"signers"}, ResourceNames: []string{"example.com/my-signer"}, Verbs: []string{"approve"}},
				{APIGroups: []string{"apps"}, Resources: []string{"deployments/scale"}, ResourceNames: []string{"web"}, Verbs: []string{"update"}},
				{APIGroups: []string{"*"}, Resources: []string{"serviceaccounts"}, ResourceNames: []string{"builder"}, Verbs: []string{"impersonate"}},
			}},
			{ObjectMeta: metav1.ObjectMeta{Name: "urls"}, Rules: []rbacv1.PolicyRule{
				{NonResourceURLs: []string{"/healthz/etcd", "/custom/*", "*", "/api/v1/pods"}, Verbs: []string{"get"}},
			}},
		},
		RoleBindings: []rbacv1.RoleBinding{
			{ObjectMeta: metav1.ObjectMeta{Name: "rb", Namespace: "team-a"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "rb2", Namespace: "team-a"}},
		},
		Namespaces: []string{"apitest"},
	}
}
