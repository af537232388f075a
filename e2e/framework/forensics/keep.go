package forensics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// Keep labels each object with key=value, so a sweep that spares that label
// leaves it in place. It goes on past an object that fails.
func Keep(ctx context.Context, client kubernetes.Interface, objects []Object, key, value string) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]string{key: value}}})
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range objects {
		var err error
		opts := metav1.PatchOptions{}
		switch o.Resource {
		case "namespaces":
			_, err = client.CoreV1().Namespaces().Patch(ctx, o.Name, types.MergePatchType, patch, opts)
		case "serviceaccounts":
			_, err = client.CoreV1().ServiceAccounts(o.Namespace).Patch(ctx, o.Name, types.MergePatchType, patch, opts)
		case "roles":
			_, err = client.RbacV1().Roles(o.Namespace).Patch(ctx, o.Name, types.MergePatchType, patch, opts)
		case "rolebindings":
			_, err = client.RbacV1().RoleBindings(o.Namespace).Patch(ctx, o.Name, types.MergePatchType, patch, opts)
		case "clusterroles":
			_, err = client.RbacV1().ClusterRoles().Patch(ctx, o.Name, types.MergePatchType, patch, opts)
		case "clusterrolebindings":
			_, err = client.RbacV1().ClusterRoleBindings().Patch(ctx, o.Name, types.MergePatchType, patch, opts)
		default:
			err = fmt.Errorf("cannot label %s", o.Resource)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("labelling %s %s=%s: %w", o, key, value, err))
		}
	}
	return errors.Join(errs...)
}

// deleteOrder: bindings before roles (no grant outlives its role's
// removal), namespaces last.
var deleteOrder = []string{"clusterrolebindings", "rolebindings", "clusterroles", "roles", "serviceaccounts", "namespaces"}

// DeleteCommands are kubectl commands that delete the objects: one per
// resource and namespace, bindings first, namespaces last. kubeconfig may be
// empty (kubectl's own then).
func DeleteCommands(objects []Object, kubeconfig string) []string {
	type group struct{ resource, namespace string }
	names := map[group][]string{}
	var groups []group
	for _, o := range objects {
		g := group{o.Resource, o.Namespace}
		if _, ok := names[g]; !ok {
			groups = append(groups, g)
		}
		names[g] = append(names[g], o.Name)
	}
	rank := func(r string) int {
		if i := slices.Index(deleteOrder, r); i >= 0 {
			return i
		}
		return len(deleteOrder) - 1
	}
	slices.SortStableFunc(groups, func(a, b group) int {
		if d := rank(a.resource) - rank(b.resource); d != 0 {
			return d
		}
		return strings.Compare(a.namespace, b.namespace)
	})
	prefix := "kubectl"
	if kubeconfig != "" {
		prefix += " --kubeconfig " + kubeconfig
	}
	var out []string
	for _, g := range groups {
		cmd := prefix
		if g.namespace != "" {
			cmd += " -n " + g.namespace
		}
		out = append(out, cmd+" delete "+strings.TrimSuffix(g.resource, "s")+" "+strings.Join(names[g], " "))
	}
	return out
}
