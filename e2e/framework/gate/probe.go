package gate

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	"rbac-e2e/e2e/framework/matrix"
)

// noProbeObject makes sure no object has the probe name where a check
// sends a proxy, exec, attach or portforward request to it: such a request
// is harmless only because the object does not exist (GATE-6).
func noProbeObject(ctx context.Context, dyn dynamic.Interface, checks []matrix.Check) error {
	seen := map[string]bool{}
	for _, c := range checks {
		if !c.HandedOn() || c.Name != "" {
			continue
		}
		key := c.Resource.String() + "/" + c.Namespace
		if seen[key] {
			continue
		}
		seen[key] = true
		_, err := dyn.Resource(c.Resource).Namespace(c.Namespace).Get(ctx, matrix.ProbeName, metav1.GetOptions{})
		if err == nil {
			return fmt.Errorf("%s (%s): %s %q exists%s; the gate sends %s/%s requests to that name only because no object has it. Remove it or rename it",
				c.Row, c.Row.Field, c.Resource.Resource, matrix.ProbeName, inNamespace(c.Namespace), c.Resource.Resource, c.Subresource)
		}
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("looking for %s %q%s: %v", c.Resource.Resource, matrix.ProbeName, inNamespace(c.Namespace), err)
		}
	}
	return nil
}

func inNamespace(ns string) string {
	if ns == "" {
		return ""
	}
	return " in namespace " + ns
}
