package audit

import (
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
	"rbac-e2e/e2e/framework/rbacpath"
)

func res(verb, group, resource, sub, name, ns string) effective.Permission {
	return effective.Permission{Verb: verb, Group: group, Version: "v1", Resource: resource, Subresource: sub, Name: name, Namespace: ns}
}

func url(verb, u string) effective.Permission { return effective.Permission{Verb: verb, URL: u} }

func everyVerbOn(p effective.Permission, verbs []string) []effective.Permission {
	var out []effective.Permission
	for _, v := range verbs {
		p.Verb = v
		out = append(out, p)
	}
	return out
}

var sa = matrix.Subject{ServiceAccount: "team-a/ci"}

// audit runs the rules over one subject's allowed permissions and returns
// "rule-id permission (scope)" per finding.
func auditOf(allowed ...effective.Permission) []string {
	fs := Audit(AuditInput{Snapshot: effective.Snapshot{{Subject: sa, Allowed: effective.SortPermissions(allowed)}}})
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+" "+f.Permission+" ("+f.Scope+")")
	}
	return out
}

// One case per risk that is flagged, and one near miss per risk that must
// not be.
func TestRules(t *testing.T) {
	const certs, rbac, admission = "certificates.k8s.io", "rbac.authorization.k8s.io", "admissionregistration.k8s.io"
	csrCreate := res("create", certs, "certificatesigningrequests", "", "", "")
	csrApproval := res("update", certs, "certificatesigningrequests", "approval", "", "")
	cases := []struct {
		name    string
		allowed []effective.Permission
		want    []string
	}{
		{"secrets-read: get", []effective.Permission{res("get", "", "secrets", "", "", "team-a")}, []string{"secrets-read get secrets (namespace team-a)"}},
		{"secrets-read: list and watch", []effective.Permission{res("list", "", "secrets", "", "", ""), res("watch", "", "secrets", "", "", "")},
			[]string{"secrets-read list secrets (cluster)", "secrets-read watch secrets (cluster)"}},
		{"secrets-read: one named Secret", []effective.Permission{res("get", "", "secrets", "", "tls", "team-a")}, []string{"secrets-read get secrets tls (namespace team-a)"}},
		{"near miss secrets-read: get configmaps, create secrets", []effective.Permission{res("get", "", "configmaps", "", "", "team-a"), res("create", "", "secrets", "", "", "team-a")}, nil},

		{"workload-create: pods", []effective.Permission{res("create", "", "pods", "", "", "team-a")}, []string{"workload-create create pods (namespace team-a)"}},
		{"workload-create: every workload kind", []effective.Permission{
			res("create", "apps", "deployments", "", "", "team-a"), res("create", "apps", "daemonsets", "", "", "team-a"),
			res("create", "apps", "statefulsets", "", "", "team-a"), res("create", "apps", "replicasets", "", "", "team-a"),
			res("create", "batch", "jobs", "", "", "team-a"), res("create", "batch", "cronjobs", "", "", "team-a"),
			res("create", "", "replicationcontrollers", "", "", "team-a")}, []string{
			"workload-create create replicationcontrollers (namespace team-a)",
			"workload-create create daemonsets.apps (namespace team-a)", "workload-create create deployments.apps (namespace team-a)",
			"workload-create create replicasets.apps (namespace team-a)", "workload-create create statefulsets.apps (namespace team-a)",
			"workload-create create cronjobs.batch (namespace team-a)", "workload-create create jobs.batch (namespace team-a)"}},
		{"near miss workload-create: create pods/eviction, update deployments/scale, get pods", []effective.Permission{
			res("create", "", "pods", "eviction", "", "team-a"), res("update", "apps", "deployments", "scale", "", "team-a"), res("get", "", "pods", "", "", "team-a")}, nil},

		{"persistentvolume-create", []effective.Permission{res("create", "", "persistentvolumes", "", "", "")}, []string{"persistentvolume-create create persistentvolumes (cluster)"}},
		{"near miss persistentvolume-create: claims, and volumes asked in a namespace", []effective.Permission{
			res("create", "", "persistentvolumeclaims", "", "", "team-a"), res("create", "", "persistentvolumes", "", "", "team-a")}, nil},

		{"nodes-proxy: get is enough", []effective.Permission{res("get", "", "nodes", "proxy", "", "")}, []string{"nodes-proxy get nodes/proxy (cluster)"}},
		{"near miss nodes-proxy: get nodes/stats, get nodes", []effective.Permission{res("get", "", "nodes", "stats", "", ""), res("get", "", "nodes", "", "", "")}, nil},

		{"escalate", []effective.Permission{res("escalate", rbac, "clusterroles", "", "", ""), res("escalate", rbac, "roles", "", "", "team-a")}, []string{
			"escalate escalate clusterroles.rbac.authorization.k8s.io (cluster)", "escalate escalate roles.rbac.authorization.k8s.io (namespace team-a)"}},
		{"near miss escalate: create roles, update clusterroles", []effective.Permission{res("create", rbac, "roles", "", "", "team-a"), res("update", rbac, "clusterroles", "", "", "")}, nil},

		{"bind", []effective.Permission{res("bind", rbac, "clusterroles", "", "admin", "team-a")}, []string{"bind bind clusterroles.rbac.authorization.k8s.io admin (namespace team-a)"}},
		{"near miss bind: create rolebindings", []effective.Permission{res("create", rbac, "rolebindings", "", "", "team-a")}, nil},

		{"impersonate: one named user, ServiceAccounts, an extra", []effective.Permission{
			res("impersonate", "", "users", "", "alice", ""), res("impersonate", "", "serviceaccounts", "", "", "team-a"),
			res("impersonate", "authentication.k8s.io", "userextras", "scopes", "", "")}, []string{
			"impersonate impersonate users alice (cluster)", "impersonate impersonate userextras.authentication.k8s.io/scopes (cluster)",
			"impersonate impersonate serviceaccounts (namespace team-a)"}},
		{"near miss impersonate: list serviceaccounts", []effective.Permission{res("list", "", "serviceaccounts", "", "", "team-a")}, nil},

		{"csr-approve: create, approval and a client signer", []effective.Permission{csrCreate, csrApproval, res("approve", certs, "signers", "", "", "")},
			[]string{"csr-approve update certificatesigningrequests.certificates.k8s.io/approval (cluster)"}},
		{"near miss csr-approve: no signer", []effective.Permission{csrCreate, csrApproval}, nil},
		{"near miss csr-approve: another signer only", []effective.Permission{csrCreate, csrApproval, res("approve", certs, "signers", "", "example.com/my-signer", "")}, nil},
		{"near miss csr-approve: approval without create", []effective.Permission{csrApproval, res("approve", certs, "signers", "", "kubernetes.io/kube-apiserver-client", "")}, nil},

		{"token-create", []effective.Permission{res("create", "", "serviceaccounts", "token", "", "team-a")}, []string{"token-create create serviceaccounts/token (namespace team-a)"}},
		{"near miss token-create: create serviceaccounts, get serviceaccounts/token", []effective.Permission{
			res("create", "", "serviceaccounts", "", "", "team-a"), res("get", "", "serviceaccounts", "token", "", "team-a")}, nil},

		{"admission-webhooks", []effective.Permission{res("patch", admission, "validatingwebhookconfigurations", "", "", ""), res("create", admission, "mutatingwebhookconfigurations", "", "", "")}, []string{
			"admission-webhooks create mutatingwebhookconfigurations.admissionregistration.k8s.io (cluster)",
			"admission-webhooks patch validatingwebhookconfigurations.admissionregistration.k8s.io (cluster)"}},
		{"near miss admission-webhooks: list them", []effective.Permission{res("list", admission, "mutatingwebhookconfigurations", "", "", "")}, nil},

		{"namespace-modify: patch its own namespace, update any", []effective.Permission{res("patch", "", "namespaces", "", "team-a", ""), res("update", "", "namespaces", "", "", "")}, []string{
			"namespace-modify update namespaces (cluster)", "namespace-modify patch namespaces team-a (cluster)"}},
		{"near miss namespace-modify: list and get namespaces", []effective.Permission{res("list", "", "namespaces", "", "", ""), res("get", "", "namespaces", "", "team-a", "")}, nil},

		{"cluster-admin-wildcard: every verb on the made-up group, get of the made-up URL",
			slices.Concat(everyVerbOn(res("", effective.MadeUpGroup, effective.MadeUpResource, "", "", ""), matrix.ResourceVerbs),
				everyVerbOn(res("", "", effective.MadeUpResource, "", "", ""), matrix.ResourceVerbs), []effective.Permission{url("get", effective.MadeUpURL)}),
			[]string{"cluster-admin-wildcard * rbac-e2e-made-up.made-up.rbac-e2e.io (cluster)", "cluster-admin-wildcard get /rbac-e2e-made-up (cluster)"}},
		{"cluster-admin-wildcard: one verb on every resource of one namespace", []effective.Permission{res("get", "", effective.MadeUpResource, "", "", "team-a")},
			[]string{"cluster-admin-wildcard get rbac-e2e-made-up (namespace team-a)"}},
		{"near miss cluster-admin-wildcard: every verb on configmaps", everyVerbOn(res("", "", "configmaps", "", "", "team-a"), matrix.ResourceVerbs), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := auditOf(c.allowed...)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// A ClusterRoleBinding's grant is one finding, not one per namespace or
// object.
func TestBroadestScope(t *testing.T) {
	got := auditOf(
		res("get", "", "secrets", "", "", "team-a"), res("get", "", "secrets", "", "", effective.ElsewhereNamespace), res("get", "", "secrets", "", "tls", "team-b"),
		res("list", "", "secrets", "", "", ""), res("list", "", "secrets", "", "", "team-a"),
		res("watch", "", "secrets", "", "tls", "team-b"), res("watch", "", "secrets", "", "", "team-b"))
	want := []string{"secrets-read list secrets (cluster)", "secrets-read get secrets (every namespace)", "secrets-read watch secrets (namespace team-b)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func binding(kind, ns, name string, labels map[string]string, role string, subjects ...rbacv1.Subject) (rbacv1.ClusterRoleBinding, rbacv1.RoleBinding) {
	meta := metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels}
	ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}
	return rbacv1.ClusterRoleBinding{ObjectMeta: meta, RoleRef: ref, Subjects: subjects}, rbacv1.RoleBinding{ObjectMeta: meta, RoleRef: ref, Subjects: subjects}
}

func TestBindingRules(t *testing.T) {
	group := func(n string) rbacv1.Subject {
		return rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: n}
	}
	user := func(n string) rbacv1.Subject {
		return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: n}
	}
	var objs rbacpath.Objects
	crb, _ := binding("", "", "everyone-views", nil, "view", group("system:authenticated"), user("bob"))
	objs.ClusterRoleBindings = append(objs.ClusterRoleBindings, crb)
	crb, _ = binding("", "", "pods-read", nil, "pod-reader", group("system:serviceaccounts"))
	objs.ClusterRoleBindings = append(objs.ClusterRoleBindings, crb)
	crb, _ = binding("", "", "system:discovery", map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}, "system:discovery", group("system:authenticated"))
	objs.ClusterRoleBindings = append(objs.ClusterRoleBindings, crb)
	_, rb := binding("", "kube-public", "cluster-info", nil, "cluster-info-reader", user("system:anonymous"))
	objs.RoleBindings = append(objs.RoleBindings, rb)
	_, rb = binding("", "team-a", "open", nil, "view", group("system:unauthenticated"))
	objs.RoleBindings = append(objs.RoleBindings, rb)
	_, rb = binding("", "team-a", "team-a-sas", nil, "view", group("system:serviceaccounts:team-a"), group("system:masters"))
	objs.RoleBindings = append(objs.RoleBindings, rb) // near miss: one namespace's ServiceAccounts

	var got []string
	for _, f := range Audit(AuditInput{RBAC: objs}) {
		got = append(got, f.Rule+" "+f.Subject+" ("+f.Scope+") "+strings.Join(f.Paths, "; "))
	}
	want := []string{
		"authenticated-binding Group system:authenticated (cluster) ClusterRoleBinding everyone-views → ClusterRole view",
		"authenticated-binding Group system:serviceaccounts (cluster) ClusterRoleBinding pods-read → ClusterRole pod-reader",
		"unauthenticated-binding Group system:unauthenticated (namespace team-a) RoleBinding team-a/open → ClusterRole view",
		"unauthenticated-binding User system:anonymous (namespace kube-public) RoleBinding kube-public/cluster-info → ClusterRole cluster-info-reader",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// Findings carry their granting paths, aggregation included, and the CSR
// finding the paths of the other two permissions it needs.
func TestFindingPaths(t *testing.T) {
	objs := rbacpath.Objects{
		ClusterRoles: []rbacv1.ClusterRole{
			{ObjectMeta: metav1.ObjectMeta{Name: "view"}, AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{
				{MatchLabels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"}}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "extra-secrets", Labels: map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
				Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list", "watch"}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "csr"}, Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests", "certificatesigningrequests/approval"}, Verbs: []string{"create", "update"}},
				{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"signers"}, Verbs: []string{"approve"}}}},
		},
	}
	crb, _ := binding("", "", "default-view", nil, "view", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "ci", Namespace: "team-a"})
	crb2, _ := binding("", "", "csr", nil, "csr", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "ci", Namespace: "team-a"})
	objs.ClusterRoleBindings = append(objs.ClusterRoleBindings, crb, crb2)
	fs := Audit(AuditInput{RBAC: objs, Snapshot: effective.Snapshot{{Subject: sa, Allowed: []effective.Permission{
		res("list", "", "secrets", "", "", ""),
		res("create", "certificates.k8s.io", "certificatesigningrequests", "", "", ""),
		res("update", "certificates.k8s.io", "certificatesigningrequests", "approval", "", ""),
		res("approve", "certificates.k8s.io", "signers", "", "", ""),
	}}}})
	if len(fs) != 2 {
		t.Fatalf("want 2 findings, got %d: %+v", len(fs), fs)
	}
	want := `ClusterRoleBinding default-view → ClusterRole view ← aggregated from ClusterRole extra-secrets (label rbac.authorization.k8s.io/aggregate-to-view=true) → rules[0] (apiGroups [""], resources ["secrets"], verbs ["get" "list" "watch"])`
	if fs[0].Rule != SecretsRead || strings.Join(fs[0].Paths, "\n") != want {
		t.Errorf("secrets finding: got %s %q, want %s", fs[0].Rule, fs[0].Paths, want)
	}
	if fs[1].Rule != CSRApprove || len(fs[1].Also) != 2 || fs[1].Also[1].Permission != "approve signers.certificates.k8s.io" ||
		fs[1].Also[1].Paths[0] != `ClusterRoleBinding csr → ClusterRole csr → rules[1] (apiGroups ["certificates.k8s.io"], resources ["signers"], verbs ["approve"])` {
		t.Errorf("csr finding: got %+v", fs[1])
	}
	if fs[0].SubjectKey != "serviceaccount:team-a/ci" || fs[0].Subject != "ServiceAccount team-a/ci" || fs[0].Status != StatusNew {
		t.Errorf("subject or status: got %+v", fs[0])
	}
}

// A sweep cannot ask a signer's name; the audit finds approve on a named
// client signer in the RBAC objects.
func TestCSRSignerByName(t *testing.T) {
	signer := func(name string) rbacpath.Objects {
		crb, _ := binding("", "", "approver", nil, "approver", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "ci", Namespace: "team-a"})
		return rbacpath.Objects{
			ClusterRoles: []rbacv1.ClusterRole{{ObjectMeta: metav1.ObjectMeta{Name: "approver"}, Rules: []rbacv1.PolicyRule{
				{APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"signers"}, ResourceNames: []string{name}, Verbs: []string{"approve"}}}}},
			ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb},
		}
	}
	allowed := []effective.Permission{
		res("create", "certificates.k8s.io", "certificatesigningrequests", "", "", ""),
		res("update", "certificates.k8s.io", "certificatesigningrequests", "approval", "", ""),
	}
	for name, want := range map[string]int{"kubernetes.io/kube-apiserver-client": 1, "kubernetes.io/*": 1, "example.com/my-signer": 0} {
		fs := Audit(AuditInput{RBAC: signer(name), Snapshot: effective.Snapshot{{Subject: sa, Allowed: allowed}}})
		if len(fs) != want {
			t.Errorf("approve on signer %s: %d findings, want %d: %+v", name, len(fs), want, fs)
			continue
		}
		if want == 1 && (fs[0].Rule != CSRApprove || fs[0].Also[1].Permission != "approve signers.certificates.k8s.io "+name) {
			t.Errorf("approve on signer %s: got %+v", name, fs[0])
		}
	}
}

func TestSystemMastersPath(t *testing.T) {
	jane := matrix.Subject{User: "jane@example.com", Groups: []string{"system:masters"}}
	fs := Audit(AuditInput{Snapshot: effective.Snapshot{{Subject: jane, Allowed: []effective.Permission{res("get", "", "nodes", "proxy", "", "")}}}})
	if len(fs) != 1 || fs[0].Subject != "User jane@example.com (groups system:masters)" || fs[0].SubjectKey != "user:jane@example.com groups:system:masters" ||
		!strings.HasPrefix(fs[0].Paths[0], "Group system:masters (superuser") {
		t.Errorf("got %+v", fs)
	}
}

// A group the sweep asks about through a made-up member is named as the
// group, so one allow-list entry (group:) covers its bindings and its
// effective access.
func TestGroupSubject(t *testing.T) {
	fs := Audit(AuditInput{Snapshot: effective.Snapshot{{Subject: effective.GroupMember("team-a-admins"), Allowed: []effective.Permission{res("get", "", "secrets", "", "", "team-a")}}}})
	if len(fs) != 1 || fs[0].Subject != "Group team-a-admins" || fs[0].SubjectKey != "group:team-a-admins" {
		t.Errorf("got %+v", fs)
	}
}
