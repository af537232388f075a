package manifest

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Present finds objs on the cluster as another run applied them (a nested
// run shares its parent's apply): each must exist and be the suite's
// (OwnedLabel=OwnedValue). Nothing is changed, and what it returns is not
// the caller's to delete: the run that applied it removes it.
func (a *Applier) Present(ctx context.Context, objs []Object) ([]Applied, error) {
	mapper, err := a.restMapper()
	if err != nil {
		return nil, err
	}
	var found []Applied
	for _, o := range objs {
		gvk := o.GroupVersionKind()
		mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return found, fmt.Errorf("%s: %s: the cluster does not serve %s: %w", o.Source, o.Describe(), gvk, err)
		}
		existing, err := a.Dynamic.Resource(mapping.Resource).Namespace(o.GetNamespace()).Get(ctx, o.GetName(), metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			return found, fmt.Errorf("%s: %s is not on the cluster: the run that was to apply it has not", o.Source, o.Describe())
		case err != nil:
			return found, fmt.Errorf("%s: reading %s: %w", o.Source, o.Describe(), err)
		case existing.GetLabels()[a.OwnedLabel] != a.OwnedValue:
			return found, fmt.Errorf("%s: %s is on the cluster but not the suite's (no label %s=%s)", o.Source, o.Describe(), a.OwnedLabel, a.OwnedValue)
		}
		found = append(found, Applied{Object: o, Resource: mapping.Resource})
	}
	return found, nil
}
