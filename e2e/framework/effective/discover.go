package effective

import (
	"context"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/manifest"
)

// Discover reads what Enumerate needs from a cluster, as the admin:
// discovery with subresources (ServerGroupsAndResources: the preferred
// resources call drops subresources), every Role, ClusterRole and
// RoleBinding; namespaces are added as scopes. An aggregated API that does
// not answer leaves its resources out, as in matrix.Discover.
func Discover(ctx context.Context, client kubernetes.Interface, namespaces []string) (EnumerateInput, error) {
	groups, lists, err := discovery.ServerGroupsAndResources(client.Discovery())
	if err != nil && len(lists) == 0 {
		return EnumerateInput{}, fmt.Errorf("discovery: %w", err)
	}
	in := EnumerateInput{Groups: groups, Resources: lists, Namespaces: slices.Clone(namespaces)}
	roles, err := client.RbacV1().Roles("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return in, fmt.Errorf("listing Roles: %w", err)
	}
	clusterRoles, err := client.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		return in, fmt.Errorf("listing ClusterRoles: %w", err)
	}
	bindings, err := client.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return in, fmt.Errorf("listing RoleBindings: %w", err)
	}
	in.Roles, in.ClusterRoles, in.RoleBindings = roles.Items, clusterRoles.Items, bindings.Items
	return in, nil
}

// ManifestNamespaces are the namespaces manifests put objects in or
// create, sorted.
func ManifestNamespaces(objs []manifest.Object) []string {
	var out []string
	for _, o := range objs {
		if ns := o.GetNamespace(); ns != "" {
			out = append(out, ns)
		}
		if o.GetKind() == "Namespace" && o.GroupVersionKind().Group == "" {
			out = append(out, o.GetName())
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
