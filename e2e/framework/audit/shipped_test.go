package audit

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/rbacpath"
)

const root = "../../.."

// shippedObjects are the shipped manifests on a kind cluster: with the
// cluster's own cluster-admin and view, kubeadm's anonymous cluster-info
// binding and one of the API server's default bindings.
func shippedObjects(t *testing.T) rbacpath.Objects {
	objs, err := manifest.Load(root, "manifests")
	if err != nil {
		t.Fatal(err)
	}
	o := rbacpath.Objects{
		ClusterRoles: []rbacv1.ClusterRole{
			{ObjectMeta: metav1.ObjectMeta{Name: "cluster-admin"}, Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}, {NonResourceURLs: []string{"*"}, Verbs: []string{"*"}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "view"}, Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{""}, Resources: []string{"pods", "configmaps", "namespaces", "serviceaccounts"}, Verbs: []string{"get", "list", "watch"}},
				{APIGroups: []string{"apps"}, Resources: []string{"deployments", "daemonsets"}, Verbs: []string{"get", "list", "watch"}}}},
		},
		ClusterRoleBindings: []rbacv1.ClusterRoleBinding{{ObjectMeta: metav1.ObjectMeta{Name: "system:discovery", Labels: map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}},
			RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "system:discovery"}, Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, Name: "system:authenticated"}}}},
		RoleBindings: []rbacv1.RoleBinding{{ObjectMeta: metav1.ObjectMeta{Name: "kubeadm:bootstrap-signer-clusterinfo", Namespace: "kube-public"},
			RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "kubeadm:bootstrap-signer-clusterinfo"}, Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, Name: "system:anonymous"}}}},
	}
	for _, obj := range objs {
		if err := o.Add(obj.Unstructured); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// candidates stand in for a sweep: the resources the rules look at (and a
// few others), their verbs, the special verbs and the made-up probes, at
// cluster scope and in the shipped namespaces.
func candidates() []effective.Permission {
	all := matrix.ResourceVerbs
	scopes := []string{"apitest", "default", "test-in-cluster", effective.ElsewhereNamespace}
	type r struct {
		group, resource, sub string
		namespaced           bool
		verbs                []string
	}
	const rbac, adm, certs = "rbac.authorization.k8s.io", "admissionregistration.k8s.io", "certificates.k8s.io"
	resources := []r{
		{"", "secrets", "", true, all}, {"", "configmaps", "", true, all}, {"", "pods", "", true, all}, {"", "pods", "eviction", true, []string{"create"}},
		{"", "pods", "log", true, []string{"get"}}, {"", "replicationcontrollers", "", true, all}, {"", "serviceaccounts", "", true, all},
		{"", "serviceaccounts", "token", true, []string{"create"}}, {"", "persistentvolumes", "", false, all}, {"", "persistentvolumeclaims", "", true, all},
		{"", "nodes", "", false, all}, {"", "nodes", "proxy", false, []string{"get", "create", "update", "patch", "delete"}}, {"", "namespaces", "", false, all},
		{"apps", "deployments", "", true, all}, {"apps", "daemonsets", "", true, all}, {"apps", "statefulsets", "", true, all}, {"apps", "replicasets", "", true, all},
		{"batch", "jobs", "", true, all}, {"batch", "cronjobs", "", true, all},
		{rbac, "roles", "", true, all}, {rbac, "rolebindings", "", true, all}, {rbac, "clusterroles", "", false, all}, {rbac, "clusterrolebindings", "", false, all},
		{adm, "mutatingwebhookconfigurations", "", false, all}, {adm, "validatingwebhookconfigurations", "", false, all},
		{certs, "certificatesigningrequests", "", false, all}, {certs, "certificatesigningrequests", "approval", false, []string{"get", "update", "patch"}},
		{"", effective.MadeUpResource, "", true, all}, {effective.MadeUpGroup, effective.MadeUpResource, "", true, all},
	}
	var out []effective.Permission
	add := func(p effective.Permission, cluster bool, namespaces []string) {
		if cluster {
			out = append(out, p)
		}
		for _, ns := range namespaces {
			p.Namespace = ns
			out = append(out, p)
		}
	}
	for _, x := range resources {
		for _, v := range x.verbs {
			p := effective.Permission{Verb: v, Group: x.group, Version: "v1", Resource: x.resource, Subresource: x.sub}
			if !x.namespaced {
				add(p, true, nil)
				continue
			}
			add(p, x.sub == "" && (v == "list" || v == "watch" || x.resource == effective.MadeUpResource), scopes)
		}
	}
	specials := []struct {
		verb, group, resource, sub string
		cluster, namespaced        bool
	}{
		{"bind", rbac, "roles", "", false, true}, {"escalate", rbac, "roles", "", false, true},
		{"bind", rbac, "clusterroles", "", true, true}, {"escalate", rbac, "clusterroles", "", true, false},
		{"impersonate", "", "users", "", true, false}, {"impersonate", "", "groups", "", true, false}, {"impersonate", "", "serviceaccounts", "", false, true},
		{"impersonate", "authentication.k8s.io", "uids", "", true, false}, {"impersonate", "authentication.k8s.io", "userextras", effective.MadeUpExtra, true, false},
		{"approve", certs, "signers", "", true, false}, {"sign", certs, "signers", "", true, false},
	}
	for _, s := range specials {
		p := effective.Permission{Verb: s.verb, Group: s.group, Version: "v1", Resource: s.resource, Subresource: s.sub}
		var ns []string
		if s.namespaced {
			ns = scopes
		}
		add(p, s.cluster, ns)
	}
	for _, u := range []string{effective.MadeUpURL, "/metrics", "/healthz"} {
		for _, v := range matrix.URLVerbs {
			out = append(out, effective.Permission{Verb: v, URL: u})
		}
	}
	return effective.SortPermissions(out)
}

// The shipped allow-list accepts exactly the shipped grants: an offline
// stand-in for the gate's audit (RBAC evaluated by rbacpath instead of the
// API server) finds nothing new and leaves no entry unused.
func TestShippedAllowList(t *testing.T) {
	allow, err := LoadAllowList(root, "fixtures/audit/allow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(allow.Entries) == 0 {
		t.Fatal("fixtures/audit/allow.yaml has no entries")
	}
	m, err := matrix.Load(root, "fixtures/access")
	if err != nil {
		t.Fatal(err)
	}
	objs := shippedObjects(t)
	r := rbacpath.New(objs)
	var snap effective.Snapshot
	for _, sc := range m.BySubject() {
		id := rbacpath.IdentityOf(sc.Subject)
		a := effective.Access{Subject: sc.Subject}
		for _, p := range candidates() {
			if len(r.Paths(id, p)) > 0 {
				a.Allowed = append(a.Allowed, p)
			}
		}
		snap = append(snap, a)
	}
	fs := Audit(AuditInput{Snapshot: snap, RBAC: objs, Allow: allow})
	for _, f := range New(fs, nil) {
		t.Errorf("not allowed: %s", f.Text())
	}
	for _, e := range allow.Unused(fs) {
		t.Errorf("%s: entry for %s accepts nothing", e.Pos, e.Subject)
	}
	// What is found, per subject: every rule for the three superusers, one
	// for admin-sa, the kubeadm binding; nothing for view or the unbound.
	got := map[string][]string{}
	for _, f := range fs {
		if !slices.Contains(got[f.Subject], f.Rule) {
			got[f.Subject] = append(got[f.Subject], f.Rule)
		}
	}
	effectiveRules := slices.DeleteFunc(RuleIDs(), func(id string) bool { return id == UnauthenticatedBinding || id == AuthenticatedBinding })
	want := map[string][]string{
		"ServiceAccount default/sample":                 effectiveRules,
		"User example@example.com":                      effectiveRules,
		"User jane@example.com (groups system:masters)": effectiveRules,
		"ServiceAccount apitest/admin-sa":               {WorkloadCreate},
		"User system:anonymous":                         {UnauthenticatedBinding},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings per subject:\ngot  %v\nwant %v", got, want)
	}
	var urls []string
	for _, f := range fs {
		if f.Rule == ClusterAdminWildcard {
			urls = append(urls, f.Subject+": "+f.Permission+" ("+f.Scope+")")
		}
	}
	wantWildcards := "ServiceAccount default/sample: * rbac-e2e-made-up.made-up.rbac-e2e.io (cluster)|" +
		"User example@example.com: * rbac-e2e-made-up.made-up.rbac-e2e.io (cluster)|User example@example.com: * /rbac-e2e-made-up (cluster)|" +
		"User jane@example.com (groups system:masters): * rbac-e2e-made-up.made-up.rbac-e2e.io (cluster)|User jane@example.com (groups system:masters): * /rbac-e2e-made-up (cluster)"
	if strings.Join(urls, "|") != wantWildcards {
		t.Errorf("wildcards:\ngot  %s\nwant %s", strings.Join(urls, "|"), wantWildcards)
	}
}
