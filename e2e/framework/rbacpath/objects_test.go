package rbacpath

import (
	"path/filepath"
	"testing"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
)

// The shipped manifests, with the cluster's own cluster-admin.
func TestShippedManifestPaths(t *testing.T) {
	objs, err := manifest.Load(filepath.Join("..", "..", ".."), "manifests")
	if err != nil {
		t.Fatal(err)
	}
	o := objects(t, `
kind: ClusterRole
metadata: {name: cluster-admin}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
- {nonResourceURLs: ["*"], verbs: ["*"]}`)
	var shipped Objects
	for _, obj := range objs {
		if err := shipped.Add(obj.Unstructured); err != nil {
			t.Fatal(err)
		}
	}
	if len(shipped.ClusterRoles) != 2 || len(shipped.ClusterRoleBindings) != 4 {
		t.Fatalf("shipped manifests: %d ClusterRoles, %d ClusterRoleBindings, want 2 and 4", len(shipped.ClusterRoles), len(shipped.ClusterRoleBindings))
	}
	o.Merge(shipped)
	r := New(o)
	cases := []struct {
		subject matrix.Subject
		perm    effective.Permission
		want    string
	}{
		{matrix.Subject{ServiceAccount: "default/sample"}, effective.Permission{Verb: "list", Resource: "secrets"},
			`ClusterRoleBinding sample-cluster-role-binding → ClusterRole sample-cluster-role → rules[0] (apiGroups ["*"], resources ["*"], verbs ["*"])`},
		{matrix.Subject{User: "example@example.com"}, effective.Permission{Verb: "post", URL: "/metrics"},
			`ClusterRoleBinding example-user-cluster-admin → ClusterRole cluster-admin → rules[1] (nonResourceURLs ["*"], verbs ["*"])`},
		{matrix.Subject{ServiceAccount: "apitest/admin-sa"}, effective.Permission{Verb: "create", Group: "apps", Resource: "deployments", Namespace: "apitest"},
			`ClusterRoleBinding admin-rolebinding → ClusterRole admin-role → rules[0] (apiGroups ["apps"], resources ["deployments"], verbs ["create" "get" "list" "watch" "update" "patch" "delete"])`},
		{matrix.Subject{ServiceAccount: "apitest/admin-sa"}, effective.Permission{Verb: "deletecollection", Group: "apps", Resource: "deployments", Namespace: "apitest"}, ""},
	}
	for _, c := range cases {
		got := ""
		if ps := r.Paths(IdentityOf(c.subject), c.perm); len(ps) > 0 {
			got = ps[0].String()
		}
		if got != c.want {
			t.Errorf("%s may %s:\ngot  %s\nwant %s", c.subject, c.perm, got, c.want)
		}
	}
}

func TestMergeReplaces(t *testing.T) {
	base := objects(t, `
kind: ClusterRole
metadata: {name: a}
rules:
- {apiGroups: [""], resources: ["pods"], verbs: ["get"]}`)
	base.Merge(objects(t, `
kind: ClusterRole
metadata: {name: a}
rules:
- {apiGroups: [""], resources: ["secrets"], verbs: ["get"]}
---
kind: ClusterRole
metadata: {name: b}`))
	if len(base.ClusterRoles) != 2 || base.ClusterRoles[0].Rules[0].Resources[0] != "secrets" {
		t.Fatalf("got %+v", base.ClusterRoles)
	}
}
