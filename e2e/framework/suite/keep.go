package suite

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/forensics"
)

const (
	// SpecLabel marks what one spec made (with its run's RunLabel), so its
	// forensics find its cluster-scoped objects; the value is
	// forensics.Spec.ID.
	SpecLabel = "rbac-e2e.io/spec"
	// KeepLabel marks a failed spec's objects kept for a look
	// (E2E_KEEP_ON_FAILURE): the end-of-run sweep spares them, the next
	// run's start sweep and make sweep remove them.
	KeepLabel = "rbac-e2e.io/keep"
	KeepValue = "true"
)

// NotKept narrows a sweep's selector to objects not kept for a look.
func NotKept(selector string) string { return selector + "," + KeepLabel + "!=" + KeepValue }

// KeptObjects are the kept namespaces and cluster-wide RBAC (what stands for
// everything a kept spec left), for the end-of-run sweep and its message.
func KeptObjects(ctx context.Context, admin kubernetes.Interface) ([]forensics.Object, error) {
	kept := metav1.ListOptions{LabelSelector: ManagedSelector + "," + KeepLabel + "=" + KeepValue}
	var out []forensics.Object
	nss, err := admin.CoreV1().Namespaces().List(ctx, kept)
	if err != nil {
		return nil, fmt.Errorf("listing kept namespaces: %w", err)
	}
	for _, ns := range nss.Items {
		out = append(out, forensics.Object{Resource: "namespaces", Kind: "Namespace", Name: ns.Name})
	}
	crs, err := admin.RbacV1().ClusterRoles().List(ctx, kept)
	if err != nil {
		return nil, fmt.Errorf("listing kept ClusterRoles: %w", err)
	}
	for _, o := range crs.Items {
		out = append(out, forensics.Object{Resource: "clusterroles", Kind: "ClusterRole", Name: o.Name})
	}
	crbs, err := admin.RbacV1().ClusterRoleBindings().List(ctx, kept)
	if err != nil {
		return nil, fmt.Errorf("listing kept ClusterRoleBindings: %w", err)
	}
	for _, o := range crbs.Items {
		out = append(out, forensics.Object{Resource: "clusterrolebindings", Kind: "ClusterRoleBinding", Name: o.Name})
	}
	roles, err := admin.RbacV1().Roles(metav1.NamespaceAll).List(ctx, kept)
	if err != nil {
		return nil, fmt.Errorf("listing kept Roles: %w", err)
	}
	for _, o := range roles.Items {
		out = append(out, forensics.Object{Resource: "roles", Kind: "Role", Namespace: o.Namespace, Name: o.Name})
	}
	rbs, err := admin.RbacV1().RoleBindings(metav1.NamespaceAll).List(ctx, kept)
	if err != nil {
		return nil, fmt.Errorf("listing kept RoleBindings: %w", err)
	}
	for _, o := range rbs.Items {
		out = append(out, forensics.Object{Resource: "rolebindings", Kind: "RoleBinding", Namespace: o.Namespace, Name: o.Name})
	}
	return out, nil
}

// SpareKept makes a sweep leave kept objects in place: what carries
// KeepLabel (the caller narrows the selector with NotKept) and whatever is in
// a kept namespace.
func (s *Sweeper) SpareKept(kept []forensics.Object) {
	namespaces := map[string]bool{}
	for _, o := range kept {
		if o.Resource == "namespaces" {
			namespaces[o.Name] = true
		}
	}
	before := s.Keep
	s.Keep = func(r schema.GroupVersionResource, o *unstructured.Unstructured) bool {
		return namespaces[o.GetNamespace()] || (before != nil && before(r, o))
	}
}
