package manifest

import (
	"context"
	"fmt"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
)

var nsResource = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// TerminatingTimeout bounds Apply's wait for a namespace the manifests name
// that an earlier run's Delete left terminating.
const TerminatingTimeout = 3 * time.Minute

// waitNotTerminating waits until no namespace objs name (as a Namespace or
// as an object's namespace) is being deleted: the API server refuses new
// objects in a terminating namespace, and Delete does not wait for them.
func (a *Applier) waitNotTerminating(ctx context.Context, objs []Object) error {
	var names []string
	for _, o := range objs {
		n := o.GetNamespace()
		if o.GetKind() == "Namespace" && n == "" {
			n = o.GetName()
		}
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	terminating := func(ctx context.Context) ([]string, error) {
		var out []string
		for _, n := range names {
			ns, err := a.Dynamic.Resource(nsResource).Get(ctx, n, metav1.GetOptions{})
			switch {
			case apierrors.IsNotFound(err):
			case err != nil:
				return nil, fmt.Errorf("reading namespace %s: %w", n, err)
			case ns.GetDeletionTimestamp() != nil:
				out = append(out, n)
			}
		}
		return out, nil
	}
	left, err := terminating(ctx)
	if err != nil || len(left) == 0 {
		return err
	}
	if a.Log != nil {
		fmt.Fprintf(a.Log, "waiting (up to %s) for namespaces an earlier run deleted to be gone: %v\n", TerminatingTimeout, left)
	}
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, TerminatingTimeout, false, func(ctx context.Context) (bool, error) {
		left, err = terminating(ctx)
		return err == nil && len(left) == 0, err
	})
	if err != nil {
		return fmt.Errorf("namespaces %v are still being deleted after %s: %w", left, TerminatingTimeout, err)
	}
	return nil
}
