package framework

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"rbac-e2e/e2e/framework/suite"
)

func TestSeedFixturesLoad(t *testing.T) {
	want := map[string][2]string{ // file: kind, name
		"sample-cluster-role.yaml":         {"ClusterRole", "sample-cluster-role"},
		"sample-cluster-role-binding.yaml": {"ClusterRoleBinding", "sample-cluster-role-binding"},
		"default-view.yaml":                {"ClusterRoleBinding", "default-view"},
		"admin-role.yaml":                  {"ClusterRole", "admin-role"},
		"deployment.yaml":                  {"Deployment", "apitest-nginx"},
	}
	for file, kn := range want {
		obj, err := LoadObject(suite.FixturePath(filepath.Join("seed", file)))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if obj.GetKind() != kn[0] || obj.GetName() != kn[1] {
			t.Errorf("%s: got %s %q, want %s %q", file, obj.GetKind(), obj.GetName(), kn[0], kn[1])
		}
	}
}

func TestLoadObjectErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]string{
		"bad-yaml.yaml":  "kind: ClusterRole\nmetadata: [unclosed\n",
		"not-object.yml": "- just\n- a list\n",
		"no-kind.yaml":   "metadata:\n  name: x\n",
		"no-name.yaml":   "apiVersion: v1\nkind: ConfigMap\n",
		"two-docs.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadObject(path)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("LoadObject(%s) = %v, want an error naming the file", name, err)
			}
		})
	}
	missing := filepath.Join(dir, "missing.yaml")
	if _, err := LoadObject(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("LoadObject of a missing file = %v, want an error naming it", err)
	}
}

func TestPrepareFixture(t *testing.T) {
	labels := map[string]string{suite.ManagedByLabel: suite.ManagedByValue, suite.RunLabel: "run-1"}
	load := func(file string) *unstructured.Unstructured {
		t.Helper()
		obj, err := LoadObject(suite.FixturePath(filepath.Join("seed", file)))
		if err != nil {
			t.Fatal(err)
		}
		return obj
	}
	sa := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: "ns-1", Name: "sample"}

	role := load("sample-cluster-role.yaml")
	if err := prepareFixture(role, false, applyOptions{namespace: "ns-1"}, labels, "abcde"); err != nil {
		t.Fatal(err)
	}
	if role.GetName() != "sample-cluster-role-abcde" || role.GetNamespace() != "" || role.GetLabels()[suite.RunLabel] != "run-1" {
		t.Errorf("cluster-scoped object prepared as %q in %q with labels %v", role.GetName(), role.GetNamespace(), role.GetLabels())
	}

	binding := load("sample-cluster-role-binding.yaml")
	if err := prepareFixture(binding, false, applyOptions{subjects: []rbacv1.Subject{sa}, roleRef: role.GetName()}, labels, "fghij"); err != nil {
		t.Fatal(err)
	}
	subjects, _, _ := unstructured.NestedSlice(binding.Object, "subjects")
	ref, _, _ := unstructured.NestedString(binding.Object, "roleRef", "name")
	if len(subjects) != 1 || subjects[0].(map[string]any)["namespace"] != "ns-1" || ref != "sample-cluster-role-abcde" {
		t.Errorf("binding prepared with subjects %v and roleRef %q", subjects, ref)
	}

	if err := prepareFixture(load("default-view.yaml"), false, applyOptions{}, labels, "x"); err == nil ||
		!strings.Contains(err.Error(), "WithSubjects") {
		t.Errorf("a binding without subjects = %v, want it refused", err)
	}
	if err := prepareFixture(load("admin-role.yaml"), false, applyOptions{roleRef: "x"}, labels, "x"); err == nil {
		t.Error("WithRoleRef on a role was accepted")
	}

	deploy := load("deployment.yaml")
	if err := prepareFixture(deploy, true, applyOptions{namespace: "ns-1"}, labels, "x"); err != nil {
		t.Fatal(err)
	}
	if deploy.GetName() != "apitest-nginx" || deploy.GetNamespace() != "ns-1" || deploy.GetLabels()[suite.ManagedByLabel] != suite.ManagedByValue {
		t.Errorf("namespaced object prepared as %q in %q with labels %v", deploy.GetName(), deploy.GetNamespace(), deploy.GetLabels())
	}
}
