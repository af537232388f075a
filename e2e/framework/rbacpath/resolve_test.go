package rbacpath

import (
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/matrix"
)

// objects reads RBAC objects from YAML documents.
func objects(t *testing.T, docs string) Objects {
	t.Helper()
	var o Objects
	for _, doc := range strings.Split(docs, "\n---\n") {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatal(err)
		}
		var err error
		switch meta.Kind {
		case "ClusterRole":
			var x rbacv1.ClusterRole
			err = yaml.UnmarshalStrict([]byte(doc), &x)
			o.ClusterRoles = append(o.ClusterRoles, x)
		case "Role":
			var x rbacv1.Role
			err = yaml.UnmarshalStrict([]byte(doc), &x)
			o.Roles = append(o.Roles, x)
		case "ClusterRoleBinding":
			var x rbacv1.ClusterRoleBinding
			err = yaml.UnmarshalStrict([]byte(doc), &x)
			o.ClusterRoleBindings = append(o.ClusterRoleBindings, x)
		case "RoleBinding":
			var x rbacv1.RoleBinding
			err = yaml.UnmarshalStrict([]byte(doc), &x)
			o.RoleBindings = append(o.RoleBindings, x)
		default:
			t.Fatalf("unknown kind %q in %s", meta.Kind, doc)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return o
}

const cluster = `
kind: ClusterRole
metadata: {name: sample-cluster-role}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
kind: ClusterRoleBinding
metadata: {name: sample-cluster-role-binding}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: sample-cluster-role}
subjects:
- {kind: ServiceAccount, name: sample, namespace: default}
---
kind: ClusterRole
metadata: {name: view, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- {apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"]}
- {apiGroups: [""], resources: ["configmaps"], verbs: ["get"]}
---
kind: ClusterRole
metadata: {name: system:aggregate-to-view, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules:
- {apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"]}
---
kind: ClusterRole
metadata: {name: extra-secrets, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules:
- {apiGroups: [""], resources: ["configmaps"], verbs: ["list"]}
- {apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"]}
---
kind: ClusterRole
metadata: {name: edit}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
---
kind: ClusterRoleBinding
metadata: {name: default-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: default, namespace: test-in-cluster}
---
kind: Role
metadata: {name: reader, namespace: team-a}
rules:
- {apiGroups: [""], resources: ["configmaps"], verbs: ["get"]}
- {apiGroups: [""], resources: ["secrets"], resourceNames: ["tls"], verbs: ["get"]}
---
kind: RoleBinding
metadata: {name: readers, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: deployer}
- {kind: Group, name: system:serviceaccounts:team-b}
---
kind: RoleBinding
metadata: {name: editors, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: User, name: jane@example.com}
---
kind: ClusterRoleBinding
metadata: {name: bad-role-ref}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: ServiceAccount, name: deployer, namespace: team-a}
---
kind: ClusterRoleBinding
metadata: {name: sa-without-namespace}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: sample-cluster-role}
subjects:
- {kind: ServiceAccount, name: deployer}
---
kind: ClusterRole
metadata: {name: metrics}
rules:
- {nonResourceURLs: ["/metrics", "/debug/*"], verbs: ["get"]}
---
kind: ClusterRoleBinding
metadata: {name: metrics-everyone}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics}
subjects:
- {kind: Group, name: system:authenticated}
---
kind: RoleBinding
metadata: {name: metrics-in-namespace, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics}
subjects:
- {kind: ServiceAccount, name: deployer}
---
kind: ClusterRole
metadata: {name: loop-a, labels: {loop: a}}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {loop: b}
rules:
- {apiGroups: [""], resources: ["events"], verbs: ["get"]}
---
kind: ClusterRole
metadata: {name: loop-b, labels: {loop: b}}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {loop: a}
---
kind: ClusterRoleBinding
metadata: {name: loop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: loop-b}
subjects:
- {kind: User, name: looper}
---
kind: ClusterRoleBinding
metadata: {name: ann-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: User, name: ann}
---
kind: RoleBinding
metadata: {name: ann-edit, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: User, name: ann}`

func TestPaths(t *testing.T) {
	r := New(objects(t, cluster))
	sa := func(s string) Identity { return IdentityOf(matrix.Subject{ServiceAccount: s}) }
	user := func(u string, groups ...string) Identity { return IdentityOf(matrix.Subject{User: u, Groups: groups}) }
	res := func(verb, group, resource, sub, name, ns string) effective.Permission {
		return effective.Permission{Verb: verb, Group: group, Resource: resource, Subresource: sub, Name: name, Namespace: ns}
	}
	cases := []struct {
		name string
		id   Identity
		perm effective.Permission
		want []string
	}{
		{"wildcard ClusterRole, cluster scope", sa("default/sample"), res("create", "apps", "deployments", "", "", ""), []string{
			`ClusterRoleBinding sample-cluster-role-binding → ClusterRole sample-cluster-role → rules[0] (apiGroups ["*"], resources ["*"], verbs ["*"])`}},
		{"wildcard ClusterRole in a namespace", sa("default/sample"), res("get", "", "secrets", "", "", "kube-system"), []string{
			`ClusterRoleBinding sample-cluster-role-binding → ClusterRole sample-cluster-role → rules[0] (apiGroups ["*"], resources ["*"], verbs ["*"])`}},
		{"wildcard resources grant no URL", sa("default/sample"), effective.Permission{Verb: "get", URL: "/logs"}, nil},
		{"aggregated rule found in its source", sa("test-in-cluster/default"), res("get", "", "secrets", "", "", ""), []string{
			`ClusterRoleBinding default-view → ClusterRole view ← aggregated from ClusterRole extra-secrets (label rbac.authorization.k8s.io/aggregate-to-view=true) → rules[1] (apiGroups [""], resources ["secrets"], verbs ["get" "list"])`}},
		{"a copied rule is attributed to its source only", sa("test-in-cluster/default"), res("watch", "", "pods", "", "", "default"), []string{
			`ClusterRoleBinding default-view → ClusterRole view ← aggregated from ClusterRole system:aggregate-to-view (label rbac.authorization.k8s.io/aggregate-to-view=true) → rules[0] (apiGroups [""], resources ["pods"], verbs ["get" "list" "watch"])`}},
		{"a rule of the aggregate found in no source", sa("test-in-cluster/default"), res("get", "", "configmaps", "", "", ""), []string{
			`ClusterRoleBinding default-view → ClusterRole view → rules[1] (apiGroups [""], resources ["configmaps"], verbs ["get"])`}},
		{"aggregation of an aggregate, in a RoleBinding's namespace", user("jane@example.com"), res("list", "", "secrets", "", "", "team-a"), []string{
			`RoleBinding team-a/editors → ClusterRole edit ← aggregated from ClusterRole view (label rbac.authorization.k8s.io/aggregate-to-edit=true) ← aggregated from ClusterRole extra-secrets (label rbac.authorization.k8s.io/aggregate-to-view=true) → rules[1] (apiGroups [""], resources ["secrets"], verbs ["get" "list"])`}},
		{"a RoleBinding grants nothing elsewhere", user("jane@example.com"), res("list", "", "secrets", "", "", "team-b"), nil},
		{"a RoleBinding grants nothing at cluster scope", user("jane@example.com"), res("list", "", "secrets", "", "", ""), nil},
		{"a ServiceAccount subject without namespace: the RoleBinding's namespace; none in a ClusterRoleBinding", sa("team-a/deployer"), res("get", "", "configmaps", "", "", "team-a"), []string{
			`RoleBinding team-a/readers → Role team-a/reader → rules[0] (apiGroups [""], resources ["configmaps"], verbs ["get"])`}},
		{"several paths, ClusterRoleBindings first", user("ann"), res("get", "", "pods", "", "", "team-a"), []string{
			`ClusterRoleBinding ann-view → ClusterRole view ← aggregated from ClusterRole system:aggregate-to-view (label rbac.authorization.k8s.io/aggregate-to-view=true) → rules[0] (apiGroups [""], resources ["pods"], verbs ["get" "list" "watch"])`,
			`RoleBinding team-a/ann-edit → ClusterRole edit ← aggregated from ClusterRole view (label rbac.authorization.k8s.io/aggregate-to-edit=true) ← aggregated from ClusterRole system:aggregate-to-view (label rbac.authorization.k8s.io/aggregate-to-view=true) → rules[0] (apiGroups [""], resources ["pods"], verbs ["get" "list" "watch"])`}},
		{"an aggregate's own rule, through another aggregate", user("jane@example.com"), res("get", "", "configmaps", "", "", "team-a"), []string{
			`RoleBinding team-a/editors → ClusterRole edit ← aggregated from ClusterRole view (label rbac.authorization.k8s.io/aggregate-to-edit=true) → rules[1] (apiGroups [""], resources ["configmaps"], verbs ["get"])`}},
		{"a ClusterRoleBinding to a Role grants nothing", sa("team-a/deployer"), res("get", "", "configmaps", "", "", ""), nil},
		{"group subject of a namespace's ServiceAccounts", sa("team-b/ci"), res("get", "", "secrets", "", "tls", "team-a"), []string{
			`RoleBinding team-a/readers (subject Group system:serviceaccounts:team-b) → Role team-a/reader → rules[1] (apiGroups [""], resources ["secrets"], resourceNames ["tls"], verbs ["get"])`}},
		{"resourceNames: another name", sa("team-b/ci"), res("get", "", "secrets", "", "other", "team-a"), nil},
		{"resourceNames: any object", sa("team-b/ci"), res("get", "", "secrets", "", "", "team-a"), nil},
		{"non-resource URL through a group, never through a RoleBinding", sa("team-a/deployer"), effective.Permission{Verb: "get", URL: "/debug/pprof"}, []string{
			`ClusterRoleBinding metrics-everyone (subject Group system:authenticated) → ClusterRole metrics → rules[0] (nonResourceURLs ["/metrics" "/debug/*"], verbs ["get"])`}},
		{"system:masters", user("jane@example.com", "system:masters"), res("delete", "", "nodes", "", "", ""), []string{
			`Group system:masters (superuser: the API server allows its every request before RBAC is asked)`}},
		{"aggregation cycle", user("looper"), res("get", "", "events", "", "", ""), []string{
			`ClusterRoleBinding loop → ClusterRole loop-b ← aggregated from ClusterRole loop-a (label loop=a) → rules[0] (apiGroups [""], resources ["events"], verbs ["get"])`}},
		{"nobody else", user("bob"), res("get", "", "pods", "", "", "team-a"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, p := range r.Paths(c.id, c.perm) {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("Paths(%s, %+v):\ngot  %s\nwant %s", c.id.Name, c.perm, strings.Join(got, "\n     "), strings.Join(c.want, "\n     "))
			}
		})
	}
}

func TestHolder(t *testing.T) {
	r := New(objects(t, cluster))
	ps := r.Paths(IdentityOf(matrix.Subject{User: "jane@example.com"}), effective.Permission{Verb: "get", Resource: "secrets", Namespace: "team-a"})
	if len(ps) != 1 || ps[0].Holder().String() != "ClusterRole extra-secrets" {
		t.Fatalf("got %v", ps)
	}
}

// A request on one Namespace object is authorized inside that namespace, so
// a RoleBinding there grants patching the namespace itself, and no other.
func TestPathsOfANamespaceObject(t *testing.T) {
	r := New(objects(t, `
kind: Role
metadata: {name: ns-admin, namespace: apitest}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
kind: RoleBinding
metadata: {name: wild, namespace: apitest}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ns-admin}
subjects:
- {kind: ServiceAccount, name: default, namespace: apitest}`))
	id := IdentityOf(matrix.Subject{ServiceAccount: "apitest/default"})
	patch := func(name string) effective.Permission {
		return effective.Permission{Verb: "patch", Resource: "namespaces", Name: name}
	}
	if got := r.Paths(id, patch("apitest")); len(got) != 1 || got[0].String() != `RoleBinding apitest/wild → Role apitest/ns-admin → rules[0] (apiGroups ["*"], resources ["*"], verbs ["*"])` {
		t.Errorf("patch namespaces apitest: got %v", got)
	}
	if got := r.Paths(id, patch("other")); len(got) != 0 {
		t.Errorf("patch namespaces other: got %v, want no path", got)
	}
}
