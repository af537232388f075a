package manifest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/manifest"
)

func TestParse(t *testing.T) {
	objs, err := manifest.Parse("m.yaml", []byte(`# a comment
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sample
  namespace: default
---
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata:
  name: wide
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("%d objects, want 2", len(objs))
	}
	if objs[0].Describe() != "ServiceAccount default/sample" || objs[0].Source != "m.yaml:2" {
		t.Errorf("first object %s at %s", objs[0].Describe(), objs[0].Source)
	}
	if objs[1].Describe() != "ClusterRole wide" || objs[1].Source != "m.yaml:9" {
		t.Errorf("second object %s at %s", objs[1].Describe(), objs[1].Source)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"malformed", "kind: ServiceAccount\nmetadata:\n  name: [a\n", "m.yaml:3: malformed YAML:"},
		{"no kind", "apiVersion: v1\nmetadata:\n  name: a\n", "m.yaml:1: the object has no kind"},
		{"no name", "---\napiVersion: v1\nkind: ServiceAccount\n", "m.yaml:2: the object has no metadata.name"},
		{"generateName", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  generateName: a-\n", "m.yaml:1: metadata.generateName"},
		{"a list", "- a\n- b\n", "m.yaml:1: want a Kubernetes object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := manifest.Parse("m.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadRejectsTheSameObjectTwice(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "manifests"), 0o755)
	ns := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n"
	os.WriteFile(filepath.Join(root, "manifests", "a.yaml"), []byte(ns), 0o644)
	os.WriteFile(filepath.Join(root, "manifests", "b.yaml"), []byte("# again\n"+ns), 0o644)
	_, err := manifest.Load(root, "manifests")
	want := "manifests/b.yaml:2: Namespace team-a is already defined at manifests/a.yaml:1"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load() = %v, want %q", err, want)
	}
}

func TestShippedManifestsLoad(t *testing.T) {
	objs, err := manifest.Load("../../..", "manifests")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.GetKind()]++
	}
	for _, k := range []string{"Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding"} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the shipped manifests (%v)", k, kinds)
		}
	}
}
