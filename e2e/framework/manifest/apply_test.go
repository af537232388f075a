package manifest_test

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"rbac-e2e/e2e/framework/manifest"
)

// With a Mapper the Applier asks no discovery (the Framework's fixtures
// share the Environment's cached one), and it hands back what the cluster
// answered. (The fake client cannot apply: a reactor answers for the
// cluster.)
func TestApplierWithAMapper(t *testing.T) {
	gvr := schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}
	gvk := schema.GroupVersionKind{Group: gvr.Group, Version: gvr.Version, Kind: "ClusterRole"}
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(gvk, meta.RESTScopeRoot)
	existing := func(name string, labels map[string]string) *unstructured.Unstructured {
		o := &unstructured.Unstructured{}
		o.SetGroupVersionKind(gvk)
		o.SetName(name)
		o.SetLabels(labels)
		return o
	}
	ours := map[string]string{"app.kubernetes.io/managed-by": "rbac-e2e"}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{gvr: "ClusterRoleList"},
		existing("fixture-abcde", ours), existing("theirs", nil))

	dyn.PrependReactor("patch", "clusterroles", func(action clienttesting.Action) (bool, runtime.Object, error) {
		p := action.(clienttesting.PatchAction)
		if p.GetPatchType() != types.ApplyPatchType {
			t.Errorf("patch type %s, want server-side apply", p.GetPatchType())
		}
		live := existing(p.GetName(), ours)
		live.SetUID("uid-1")
		return true, live, nil
	})

	obj := existing("fixture-abcde", map[string]string{"from": "fixture"})
	a := &manifest.Applier{Dynamic: dyn, Mapper: mapper, FieldManager: "rbac-e2e",
		Labels: map[string]string{"app.kubernetes.io/managed-by": "rbac-e2e"}, OwnedLabel: "app.kubernetes.io/managed-by", OwnedValue: "rbac-e2e"}
	applied, err := a.Apply(context.Background(), []manifest.Object{{Unstructured: obj, Source: "seed/x.yaml"}})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(applied) != 1 || applied[0].Resource != gvr || applied[0].Live == nil || applied[0].Live.GetUID() != "uid-1" {
		t.Fatalf("Apply = %+v", applied)
	}
	if _, err := a.Apply(context.Background(), []manifest.Object{{Unstructured: existing("theirs", nil), Source: "seed/y.yaml"}}); err == nil {
		t.Error("Apply changed an object that is not the suite's")
	}
	if err := a.Delete(context.Background(), applied, time.Second); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := dyn.Resource(gvr).Get(context.Background(), "fixture-abcde", metav1.GetOptions{}); err == nil {
		t.Error("the applied object is still there after Delete")
	}
}
