package matrix_test

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"rbac-e2e/e2e/framework/matrix"
)

func TestAggregated(t *testing.T) {
	svc := func(name, group, version string, service map[string]any) *unstructured.Unstructured {
		spec := map[string]any{"group": group, "version": version}
		if service != nil {
			spec["service"] = service
		}
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
			"metadata": map[string]any{"name": name}, "spec": spec,
		}}
	}
	gvr := schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{gvr: "APIServiceList"},
		svc("v1.apps", "apps", "v1", nil),
		svc("v1beta1.metrics.k8s.io", "metrics.k8s.io", "v1beta1", map[string]any{"namespace": "kube-system", "name": "metrics-server"}))
	got, err := matrix.Aggregated(context.Background(), dyn)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[schema.GroupVersion{Group: "metrics.k8s.io", Version: "v1beta1"}] != "kube-system/metrics-server" {
		t.Errorf("Aggregated() = %v", got)
	}
}
