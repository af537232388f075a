package framework

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilrand "k8s.io/apimachinery/pkg/util/rand"

	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/suite"
)

// FieldManager owns the fields the suite applies server-side.
const FieldManager = "rbac-e2e"

// LoadObject reads the one Kubernetes object of a YAML (or JSON) file.
// Every error names the file (and the line, where there is one).
func LoadObject(path string) (*unstructured.Unstructured, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fixture %s: %w", path, err)
	}
	objs, err := manifest.Parse(path, raw)
	if err != nil {
		return nil, fmt.Errorf("fixture %w", err)
	}
	if len(objs) != 1 {
		return nil, fmt.Errorf("fixture %s: holds %d objects; one object per file", path, len(objs))
	}
	return objs[0].Unstructured, nil
}

// ApplyOption adjusts a fixture before it is applied.
type ApplyOption func(*applyOptions)

type applyOptions struct {
	namespace string
	subjects  []rbacv1.Subject
	roleRef   string
}

// InNamespace puts a namespaced object in another namespace than the spec's.
func InNamespace(ns string) ApplyOption { return func(o *applyOptions) { o.namespace = ns } }

// WithSubjects replaces a binding's subjects. A binding must be given its
// subjects: the seed's own would grant rights to accounts of other namespaces.
func WithSubjects(subjects ...rbacv1.Subject) ApplyOption {
	return func(o *applyOptions) { o.subjects = subjects }
}

// WithRoleRef points a binding at a role by another name, such as the
// unique name a seed ClusterRole was given when applied.
func WithRoleRef(name string) ApplyOption { return func(o *applyOptions) { o.roleRef = name } }

// ApplyFixture reads an object from a file and applies it server-side as
// FieldManager through manifest.Applier: cluster-scoped objects get a unique
// name with the file's name as a prefix, namespaced ones land in the spec's
// namespace; the suite's labels are added; the object is deleted when the
// spec ends. It returns the applied object.
func (f *Framework) ApplyFixture(ctx context.Context, path string, opts ...ApplyOption) *unstructured.Unstructured {
	GinkgoHelper()
	obj, err := LoadObject(path)
	Expect(err).NotTo(HaveOccurred())
	o := applyOptions{namespace: f.Namespace}
	for _, opt := range opts {
		opt(&o)
	}
	mapping, err := f.Env.RESTMapper().RESTMapping(obj.GroupVersionKind().GroupKind(), obj.GroupVersionKind().Version)
	Expect(err).NotTo(HaveOccurred(), "fixture %s: the cluster does not serve %s", path, obj.GroupVersionKind())
	namespaced := mapping.Scope.Name() == meta.RESTScopeNameNamespace
	Expect(prepareFixture(obj, namespaced, o, f.ObjectLabels(), utilrand.String(5))).To(Succeed(), "fixture %s", path)
	fixture := manifest.Object{Unstructured: obj, Source: shortPath(path)}
	Byf("applying fixture %s as %s", fixture.Source, fixture.Describe())

	applier := f.applier()
	applied, err := applier.Apply(ctx, []manifest.Object{fixture})
	Expect(err).NotTo(HaveOccurred(), "applying fixture %s as %s %q", path, obj.GetKind(), obj.GetName())
	f.DeleteWhenDone(func(ctx context.Context) error {
		return applier.Delete(ctx, applied, f.Timeouts.Namespace)
	})
	return applied[0].Live
}

// applier applies and deletes the spec's fixtures: the suite's field
// manager and labels, and never an object that is not the suite's.
func (f *Framework) applier() *manifest.Applier {
	return &manifest.Applier{
		Dynamic: f.Env.Dynamic, Mapper: f.Env.RESTMapper(), FieldManager: FieldManager,
		Labels: f.ObjectLabels(), OwnedLabel: suite.ManagedByLabel, OwnedValue: suite.ManagedByValue,
	}
}

// LoadFixture reads an object a spec sends itself, as a request body: it
// gets the spec's namespace and the suite's labels.
func (f *Framework) LoadFixture(path string) *unstructured.Unstructured {
	GinkgoHelper()
	obj, err := LoadObject(path)
	Expect(err).NotTo(HaveOccurred())
	Expect(prepareFixture(obj, true, applyOptions{namespace: f.Namespace}, f.ObjectLabels(), "")).To(Succeed(), "fixture %s", path)
	return obj
}

// DeleteApplied deletes an object made by ApplyFixture before the spec ends.
func (f *Framework) DeleteApplied(ctx context.Context, obj *unstructured.Unstructured) {
	GinkgoHelper()
	mapping, err := f.Env.RESTMapper().RESTMapping(obj.GroupVersionKind().GroupKind(), obj.GroupVersionKind().Version)
	Expect(err).NotTo(HaveOccurred())
	applied := manifest.Applied{Object: manifest.Object{Unstructured: obj, Source: "ApplyFixture"}, Resource: mapping.Resource}
	err = f.applier().Delete(ctx, []manifest.Applied{applied}, f.Timeouts.Namespace)
	Expect(err).NotTo(HaveOccurred(), "deleting %s %q", obj.GetKind(), obj.GetName())
}

// prepareFixture gives a loaded object its name, namespace, subjects and
// labels for one spec.
func prepareFixture(obj *unstructured.Unstructured, namespaced bool, o applyOptions, labels map[string]string, suffix string) error {
	if namespaced {
		obj.SetNamespace(o.namespace)
	} else {
		obj.SetNamespace("")
		obj.SetName(obj.GetName() + "-" + suffix)
	}
	if _, isBinding := obj.Object["roleRef"]; isBinding {
		if o.subjects == nil {
			return fmt.Errorf("%s %q: a binding needs WithSubjects, or it would bind the seed's own subjects", obj.GetKind(), obj.GetName())
		}
		subjects, err := toUnstructuredList(o.subjects)
		if err != nil {
			return err
		}
		obj.Object["subjects"] = subjects
		if o.roleRef != "" {
			if err := unstructured.SetNestedField(obj.Object, o.roleRef, "roleRef", "name"); err != nil {
				return err
			}
		}
	} else if o.subjects != nil || o.roleRef != "" {
		return errors.New("WithSubjects and WithRoleRef apply to bindings only")
	}
	all := obj.GetLabels()
	if all == nil {
		all = map[string]string{}
	}
	maps.Copy(all, labels)
	obj.SetLabels(all)
	return nil
}

func toUnstructuredList(subjects []rbacv1.Subject) ([]any, error) {
	var out []any
	for _, s := range subjects {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&s)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
