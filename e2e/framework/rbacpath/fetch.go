package rbacpath

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Fetch lists a cluster's ClusterRoles, Roles, ClusterRoleBindings and
// RoleBindings (all namespaces).
func Fetch(ctx context.Context, client kubernetes.Interface) (Objects, error) {
	var o Objects
	crs, err := client.RbacV1().ClusterRoles().List(ctx, metav1.ListOptions{})
	if err != nil {
		return o, fmt.Errorf("listing ClusterRoles: %w", err)
	}
	roles, err := client.RbacV1().Roles("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return o, fmt.Errorf("listing Roles: %w", err)
	}
	crbs, err := client.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		return o, fmt.Errorf("listing ClusterRoleBindings: %w", err)
	}
	rbs, err := client.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return o, fmt.Errorf("listing RoleBindings: %w", err)
	}
	o.ClusterRoles, o.Roles, o.ClusterRoleBindings, o.RoleBindings = crs.Items, roles.Items, crbs.Items, rbs.Items
	return o, nil
}
