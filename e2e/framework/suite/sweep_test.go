package suite

import (
	"bytes"
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

type fakeResources []*metav1.APIResourceList

func (f fakeResources) ServerPreferredResources() ([]*metav1.APIResourceList, error) { return f, nil }

var rw = metav1.Verbs{"get", "list", "delete", "create"}

var sweepDiscovery = fakeResources{
	{GroupVersion: "v1", APIResources: []metav1.APIResource{
		{Name: "namespaces", Kind: "Namespace", Verbs: rw},
		{Name: "serviceaccounts", Kind: "ServiceAccount", Namespaced: true, Verbs: rw},
		{Name: "serviceaccounts/token", Kind: "TokenRequest", Namespaced: true, Verbs: metav1.Verbs{"create"}},
		{Name: "configmaps", Kind: "ConfigMap", Namespaced: true, Verbs: rw},
		{Name: "bindings", Kind: "Binding", Namespaced: true, Verbs: metav1.Verbs{"create"}},
	}},
	{GroupVersion: "rbac.authorization.k8s.io/v1", APIResources: []metav1.APIResource{
		{Name: "clusterroles", Kind: "ClusterRole", Verbs: rw},
		{Name: "clusterrolebindings", Kind: "ClusterRoleBinding", Verbs: rw},
		{Name: "roles", Kind: "Role", Namespaced: true, Verbs: rw},
		{Name: "rolebindings", Kind: "RoleBinding", Namespaced: true, Verbs: rw},
	}},
	{GroupVersion: "coordination.k8s.io/v1", APIResources: []metav1.APIResource{
		{Name: "leases", Kind: "Lease", Namespaced: true, Verbs: rw},
	}},
}

func obj(apiVersion, kind, ns, name string, labels map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(ns)
	u.SetName(name)
	u.SetLabels(labels)
	return u
}

func TestSweep(t *testing.T) {
	ours := map[string]string{ManagedByLabel: ManagedByValue, RunLabel: "old-run"}
	theirs := map[string]string{"team": "a"}
	objs := []runtime.Object{
		obj("v1", "Namespace", "", "rbac-e2e-x", ours),
		obj("v1", "Namespace", "", "team-a", theirs),
		obj("v1", "ServiceAccount", "team-a", "gate-sa", ours),    // the gate's, in a namespace the suite did not create
		obj("v1", "ServiceAccount", "team-a", "their-sa", theirs), // not ours
		obj("v1", "ConfigMap", "rbac-e2e-x", "inside", ours),      // goes with its namespace
		obj("rbac.authorization.k8s.io/v1", "Role", "team-a", "gate-role", ours),
		obj("rbac.authorization.k8s.io/v1", "RoleBinding", "team-a", "gate-rb", ours),
		obj("rbac.authorization.k8s.io/v1", "ClusterRole", "", "gate-cr", ours),
		obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "admin-crb", ours),
		obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "cluster-admin", theirs),
		obj("coordination.k8s.io/v1", "Lease", LeaseNamespace, LeaseName, ours),
	}
	dyn := dynamicfake.NewSimpleDynamicClient(runtime.NewScheme(), objs...)
	var log bytes.Buffer
	s := &Sweeper{Discovery: sweepDiscovery, Dynamic: dyn, Log: &log, Keep: IsRunLock}
	n, err := s.Sweep(context.Background(), ManagedSelector, false)
	if err != nil {
		t.Fatal(err)
	}
	if n != 6 {
		t.Errorf("deleted %d objects, want 6; log: %s", n, log.String())
	}
	gone := []struct{ gvr, ns, name string }{
		{"/v1/namespaces", "", "rbac-e2e-x"},
		{"/v1/serviceaccounts", "team-a", "gate-sa"},
		{"rbac.authorization.k8s.io/v1/roles", "team-a", "gate-role"},
		{"rbac.authorization.k8s.io/v1/rolebindings", "team-a", "gate-rb"},
		{"rbac.authorization.k8s.io/v1/clusterroles", "", "gate-cr"},
		{"rbac.authorization.k8s.io/v1/clusterrolebindings", "", "admin-crb"},
	}
	kept := []struct{ gvr, ns, name string }{
		{"/v1/namespaces", "", "team-a"},
		{"/v1/serviceaccounts", "team-a", "their-sa"},
		{"rbac.authorization.k8s.io/v1/clusterrolebindings", "", "cluster-admin"},
		{"coordination.k8s.io/v1/leases", LeaseNamespace, LeaseName},
		{"/v1/configmaps", "rbac-e2e-x", "inside"}, // the fake has no namespace controller
	}
	get := func(gvr, ns, name string) error {
		p := strings.SplitN(gvr, "/", 3)
		r := schema.GroupVersionResource{Group: p[0], Version: p[1], Resource: p[2]}
		_, err := dyn.Resource(r).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
		return err
	}
	for _, g := range gone {
		if get(g.gvr, g.ns, g.name) == nil {
			t.Errorf("%s %s/%s is still there", g.gvr, g.ns, g.name)
		}
	}
	for _, k := range kept {
		if err := get(k.gvr, k.ns, k.name); err != nil {
			t.Errorf("%s %s/%s was deleted: %v", k.gvr, k.ns, k.name, err)
		}
	}
	if want := "sweep app.kubernetes.io/managed-by=rbac-e2e: deleted 1 ClusterRole, 1 ClusterRoleBinding, 1 Namespace, 1 Role, 1 RoleBinding, 1 ServiceAccount"; !strings.Contains(log.String(), want) {
		t.Errorf("log = %q, want %q", log.String(), want)
	}
}

func TestSweepOrder(t *testing.T) {
	rs, err := (&Sweeper{Discovery: sweepDiscovery}).deletableResources()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.name)
	}
	got := strings.Join(names, " ")
	if !strings.HasPrefix(got, "clusterrolebindings.rbac.authorization.k8s.io rolebindings.rbac.authorization.k8s.io ") {
		t.Errorf("order = %s, want bindings first", got)
	}
	for _, n := range names {
		if n == "serviceaccounts/token" || n == "bindings" {
			t.Errorf("order = %s lists %s, which cannot be listed and deleted", got, n)
		}
	}
}

// A namespace deleted without a wait is terminating when the sweep comes: the
// API server answers a second delete with a conflict, so the sweep leaves it.
func TestSweepLeavesTerminatingNamespaces(t *testing.T) {
	ours := map[string]string{ManagedByLabel: ManagedByValue, RunLabel: "old-run"}
	going := obj("v1", "Namespace", "", "rbac-e2e-going", ours)
	now := metav1.Now()
	going.SetDeletionTimestamp(&now)
	listKinds := map[schema.GroupVersionResource]string{}
	for _, l := range sweepDiscovery {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, r := range l.APIResources {
			listKinds[gv.WithResource(r.Name)] = r.Kind + "List"
		}
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds, going, obj("v1", "Namespace", "", "rbac-e2e-x", ours))
	var log bytes.Buffer
	s := &Sweeper{Discovery: sweepDiscovery, Dynamic: dyn, Log: &log}
	n, err := s.Sweep(context.Background(), ManagedSelector, false)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("deleted %d objects, want 1 (the terminating one is left); log: %s", n, log.String())
	}
	nsGVR := schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	if _, err := dyn.Resource(nsGVR).Get(context.Background(), "rbac-e2e-going", metav1.GetOptions{}); err != nil {
		t.Errorf("the terminating namespace was deleted again: %v", err)
	}
	if want := "1 Namespace (terminating already)"; !strings.Contains(log.String(), want) {
		t.Errorf("log = %q, want it to mention %q", log.String(), want)
	}
}
