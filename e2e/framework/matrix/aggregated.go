package matrix

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

var apiServices = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}

// Aggregated lists the group versions served by aggregated API servers
// (an APIService with a service), each with that service as
// "namespace/name". PlanOn judges some writes to them by review alone.
func Aggregated(ctx context.Context, dyn dynamic.Interface) (map[schema.GroupVersion]string, error) {
	list, err := dyn.Resource(apiServices).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing APIServices: %w", err)
	}
	out := map[schema.GroupVersion]string{}
	for _, item := range list.Items {
		ns, _, _ := unstructured.NestedString(item.Object, "spec", "service", "namespace")
		name, _, _ := unstructured.NestedString(item.Object, "spec", "service", "name")
		if name == "" {
			continue // served by the kube-apiserver itself
		}
		group, _, _ := unstructured.NestedString(item.Object, "spec", "group")
		version, _, _ := unstructured.NestedString(item.Object, "spec", "version")
		out[schema.GroupVersion{Group: group, Version: version}] = ns + "/" + name
	}
	return out, nil
}
