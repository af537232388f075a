package suite

import (
	"context"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
)

func TestKeptObjectsAndSpareKept(t *testing.T) {
	kept := map[string]string{ManagedByLabel: ManagedByValue, KeepLabel: KeepValue}
	ours := map[string]string{ManagedByLabel: ManagedByValue}
	admin := fake.NewClientset(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kept-ns", Labels: kept}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "swept-ns", Labels: ours}},
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "kept-cr", Labels: kept}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "swept-crb", Labels: ours}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kept-rb", Labels: kept}},
		// Someone else's, with a keep label of its own: not ours to keep.
		&rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "other", Labels: map[string]string{KeepLabel: KeepValue}}},
	)
	objs, err := KeptObjects(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.String())
	}
	want := []string{"Namespace kept-ns", "ClusterRole kept-cr", "RoleBinding default/kept-rb"}
	if !slices.Equal(got, want) {
		t.Errorf("KeptObjects = %q, want %q", got, want)
	}

	s := &Sweeper{Keep: func(_ schema.GroupVersionResource, o *unstructured.Unstructured) bool {
		return o.GetName() == "run-lock"
	}}
	s.SpareKept(objs)
	obj := func(ns, name string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetNamespace(ns)
		u.SetName(name)
		return u
	}
	cm := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	for _, tt := range []struct {
		o    *unstructured.Unstructured
		keep bool
	}{{obj("kept-ns", "unlabelled-sa"), true}, {obj("swept-ns", "x"), false}, {obj("kube-system", "run-lock"), true}, {obj("", "swept-crb"), false}} {
		if got := s.Keep(cm, tt.o); got != tt.keep {
			t.Errorf("Keep(%s/%s) = %v, want %v", tt.o.GetNamespace(), tt.o.GetName(), got, tt.keep)
		}
	}
	if got, want := NotKept(ManagedSelector), "app.kubernetes.io/managed-by=rbac-e2e,rbac-e2e.io/keep!=true"; got != want {
		t.Errorf("NotKept = %q, want %q", got, want)
	}
}
