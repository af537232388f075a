package manifest

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
)

// applyOrder puts what others refer to first: namespaces before what lives
// in them, roles before their bindings. Other kinds come last.
var applyOrder = []string{"Namespace", "ServiceAccount", "ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"}

func rank(kind string) int {
	if i := slices.Index(applyOrder, kind); i >= 0 {
		return i
	}
	return len(applyOrder)
}

// Applied is an object the cluster now holds because of Apply.
type Applied struct {
	Object
	Resource schema.GroupVersionResource
	// Live is the object as the cluster answered the apply.
	Live *unstructured.Unstructured
}

// Applier applies manifests with server-side apply under its own field
// manager and labels every object it applies.
type Applier struct {
	Dynamic      dynamic.Interface
	Discovery    discovery.DiscoveryInterface
	FieldManager string
	// Labels are added to every object; an object already on the cluster
	// that lacks OwnedLabel=OwnedValue belongs to someone else and is never
	// touched.
	Labels     map[string]string
	OwnedLabel string
	OwnedValue string
	Log        io.Writer
	// Mapper maps kinds to resources; nil reads the cluster's discovery
	// (Discovery) afresh on every Apply.
	Mapper meta.RESTMapper
}

// restMapper is Mapper, or one read from the cluster's discovery now.
func (a *Applier) restMapper() (meta.RESTMapper, error) {
	if a.Mapper != nil {
		return a.Mapper, nil
	}
	groups, err := restmapper.GetAPIGroupResources(a.Discovery)
	if err != nil {
		return nil, fmt.Errorf("discovery for the manifests: %w", err)
	}
	return restmapper.NewDiscoveryRESTMapper(groups), nil
}

// Apply applies objs in dependency order. It returns what it applied so far
// even when it stops on an error, so the caller can remove exactly that.
func (a *Applier) Apply(ctx context.Context, objs []Object) ([]Applied, error) {
	mapper, err := a.restMapper()
	if err != nil {
		return nil, err
	}
	if err := a.waitNotTerminating(ctx, objs); err != nil {
		return nil, err
	}
	sorted := slices.Clone(objs)
	slices.SortStableFunc(sorted, func(x, y Object) int { return rank(x.GetKind()) - rank(y.GetKind()) })
	var applied []Applied
	for _, o := range sorted {
		gvk := o.GroupVersionKind()
		mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return applied, fmt.Errorf("%s: %s: the cluster does not serve %s: %w", o.Source, o.Describe(), gvk, err)
		}
		namespaced := mapping.Scope.Name() == meta.RESTScopeNameNamespace
		switch {
		case namespaced && o.GetNamespace() == "":
			return applied, fmt.Errorf("%s: %s is namespaced: give metadata.namespace", o.Source, o.Describe())
		case !namespaced && o.GetNamespace() != "":
			return applied, fmt.Errorf("%s: %s is cluster-scoped: drop metadata.namespace", o.Source, o.Describe())
		}
		ri := a.Dynamic.Resource(mapping.Resource).Namespace(o.GetNamespace())
		if existing, err := ri.Get(ctx, o.GetName(), metav1.GetOptions{}); err == nil {
			if existing.GetLabels()[a.OwnedLabel] != a.OwnedValue {
				return applied, fmt.Errorf("%s: %s already exists on the cluster and is not the suite's (no label %s=%s): refusing to change or delete it", o.Source, o.Describe(), a.OwnedLabel, a.OwnedValue)
			}
		} else if !apierrors.IsNotFound(err) {
			return applied, fmt.Errorf("%s: reading %s: %w", o.Source, o.Describe(), err)
		}
		obj := o.DeepCopy()
		labels := obj.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		for k, v := range a.Labels {
			labels[k] = v
		}
		obj.SetLabels(labels)
		live, err := ri.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: a.FieldManager, Force: true})
		if err != nil {
			return applied, fmt.Errorf("%s: applying %s: %w", o.Source, o.Describe(), err)
		}
		applied = append(applied, Applied{Object: o, Resource: mapping.Resource, Live: live})
		if a.Log != nil {
			fmt.Fprintf(a.Log, "applied %s (%s)\n", o.Describe(), o.Source)
		}
	}
	return applied, nil
}

// Delete removes what Apply applied, in reverse order, and waits up to
// timeout for the namespaces among it to be gone (0: it does not wait; a
// next Apply waits for a namespace still being deleted).
func (a *Applier) Delete(ctx context.Context, applied []Applied, timeout time.Duration) error {
	var namespaces []string
	for i := len(applied) - 1; i >= 0; i-- {
		o := applied[i]
		err := a.Dynamic.Resource(o.Resource).Namespace(o.GetNamespace()).Delete(ctx, o.GetName(), metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s (%s): %w", o.Describe(), o.Source, err)
		}
		if o.GetKind() == "Namespace" && o.GetNamespace() == "" {
			namespaces = append(namespaces, o.GetName())
		}
	}
	if timeout == 0 {
		return nil
	}
	return wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		for _, ns := range namespaces {
			if _, err := a.Dynamic.Resource(nsResource).Get(ctx, ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return false, nil
			}
		}
		return true, nil
	})
}
