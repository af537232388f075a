package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rbac-e2e/e2e/framework/manifest"
)

func TestGenerateLoads(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bench.yaml"), []byte(Generate(30)), 0o644); err != nil {
		t.Fatal(err)
	}
	objs, err := manifest.Load(dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.GetKind()]++
	}
	if kinds["ServiceAccount"] != 30 || kinds["Namespace"] != namespaces || kinds["RoleBinding"] == 0 || kinds["ClusterRoleBinding"] == 0 || kinds["Role"] == 0 {
		t.Errorf("kinds = %v", kinds)
	}
	if !strings.Contains(Generate(1), "sa-00") {
		t.Error("no sa-00")
	}
}
