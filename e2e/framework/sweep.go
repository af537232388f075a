package framework

import (
	"context"
	"fmt"
	"io"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// Sweep deletes the cluster-scoped objects and namespaces that match the
// selector and waits until the namespaces are gone.
func Sweep(ctx context.Context, env *Environment, selector string, log io.Writer) error {
	list := metav1.ListOptions{LabelSelector: selector}
	del := metav1.DeleteOptions{}
	rbac := env.Admin.RbacV1()
	if err := rbac.ClusterRoleBindings().DeleteCollection(ctx, del, list); err != nil {
		return fmt.Errorf("sweeping ClusterRoleBindings %s: %w", selector, err)
	}
	if err := rbac.ClusterRoles().DeleteCollection(ctx, del, list); err != nil {
		return fmt.Errorf("sweeping ClusterRoles %s: %w", selector, err)
	}
	nss, err := env.Admin.CoreV1().Namespaces().List(ctx, list)
	if err != nil {
		return err
	}
	for _, ns := range nss.Items {
		if err := IgnoreNotFound(env.Admin.CoreV1().Namespaces().Delete(ctx, ns.Name, del)); err != nil {
			return err
		}
	}
	if len(nss.Items) > 0 {
		fmt.Fprintf(log, "waiting for %d namespaces labelled %s to go\n", len(nss.Items), selector)
	}
	return wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		left, err := env.Admin.CoreV1().Namespaces().List(ctx, list)
		return err == nil && len(left.Items) == 0, nil
	})
}
