package rbacpath

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Add takes one object as a manifest holds it: an RBAC kind is converted
// and kept, any other kind (Namespace, ServiceAccount, …) is ignored.
func (o *Objects) Add(u *unstructured.Unstructured) error {
	if u.GroupVersionKind().Group != rbacv1.GroupName {
		return nil
	}
	var target any
	switch u.GetKind() {
	case "ClusterRole":
		target = &rbacv1.ClusterRole{}
	case "Role":
		target = &rbacv1.Role{}
	case "ClusterRoleBinding":
		target = &rbacv1.ClusterRoleBinding{}
	case "RoleBinding":
		target = &rbacv1.RoleBinding{}
	default:
		return nil
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, target); err != nil {
		return fmt.Errorf("%s %s: %w", u.GetKind(), u.GetName(), err)
	}
	switch t := target.(type) {
	case *rbacv1.ClusterRole:
		o.ClusterRoles = append(o.ClusterRoles, *t)
	case *rbacv1.Role:
		o.Roles = append(o.Roles, *t)
	case *rbacv1.ClusterRoleBinding:
		o.ClusterRoleBindings = append(o.ClusterRoleBindings, *t)
	case *rbacv1.RoleBinding:
		o.RoleBindings = append(o.RoleBindings, *t)
	}
	return nil
}

// Merge adds other's objects to o; an object of other replaces one of o with
// the same kind, namespace and name (a manifest's version of a cluster's
// object).
func (o *Objects) Merge(other Objects) {
	o.ClusterRoles = merge(o.ClusterRoles, other.ClusterRoles, func(r rbacv1.ClusterRole) string { return r.Name })
	o.Roles = merge(o.Roles, other.Roles, func(r rbacv1.Role) string { return r.Namespace + "/" + r.Name })
	o.ClusterRoleBindings = merge(o.ClusterRoleBindings, other.ClusterRoleBindings, func(r rbacv1.ClusterRoleBinding) string { return r.Name })
	o.RoleBindings = merge(o.RoleBindings, other.RoleBindings, func(r rbacv1.RoleBinding) string { return r.Namespace + "/" + r.Name })
}

func merge[T any](base, add []T, key func(T) string) []T {
	index := map[string]int{}
	out := append([]T(nil), base...)
	for i, x := range out {
		index[key(x)] = i
	}
	for _, x := range add {
		if i, ok := index[key(x)]; ok {
			out[i] = x
			continue
		}
		index[key(x)] = len(out)
		out = append(out, x)
	}
	return out
}
