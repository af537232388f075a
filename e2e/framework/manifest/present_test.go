package manifest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"rbac-e2e/e2e/framework/manifest"
)

const twoObjects = `apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
  namespace: team
`

func applier(t *testing.T, objs ...runtime.Object) *manifest.Applier {
	t.Helper()
	disc := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{Resources: []*metav1.APIResourceList{{
		GroupVersion: "v1",
		APIResources: []metav1.APIResource{
			{Name: "namespaces", Kind: "Namespace", Verbs: metav1.Verbs{"get", "list"}},
			{Name: "serviceaccounts", Kind: "ServiceAccount", Namespaced: true, Verbs: metav1.Verbs{"get", "list"}},
		},
	}}}}
	return &manifest.Applier{Dynamic: dynamicfake.NewSimpleDynamicClient(runtime.NewScheme(), objs...), Discovery: disc,
		OwnedLabel: "owner", OwnedValue: "suite"}
}

func object(kind, ns, name string, labels map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind(kind)
	u.SetNamespace(ns)
	u.SetName(name)
	u.SetLabels(labels)
	return u
}

func TestPresent(t *testing.T) {
	objs, err := manifest.Parse("m.yaml", []byte(twoObjects))
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]string{"owner": "suite"}
	cases := []struct {
		name    string
		cluster []runtime.Object
		wantErr string
	}{
		{"both applied by the suite", []runtime.Object{object("Namespace", "", "team", ours), object("ServiceAccount", "team", "sa", ours)}, ""},
		{"one missing", []runtime.Object{object("Namespace", "", "team", ours)}, `m.yaml:6: ServiceAccount team/sa is not on the cluster`},
		{"someone else's", []runtime.Object{object("Namespace", "", "team", nil), object("ServiceAccount", "team", "sa", ours)}, `Namespace team is on the cluster but not the suite's (no label owner=suite)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			found, err := applier(t, c.cluster...).Present(context.Background(), objs)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatal(err)
			case c.wantErr == "" && len(found) != 2:
				t.Errorf("found %d objects, want 2", len(found))
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("err = %v, want it to contain %q", err, c.wantErr)
			}
		})
	}
}

// Apply waits for a namespace an earlier Delete left terminating, and says
// which when it never goes.
func TestApplyWaitsForTerminatingNamespace(t *testing.T) {
	objs, err := manifest.Parse("m.yaml", []byte(twoObjects))
	if err != nil {
		t.Fatal(err)
	}
	going := object("Namespace", "", "team", map[string]string{"owner": "suite"})
	now := metav1.Now()
	going.SetDeletionTimestamp(&now)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err = applier(t, going).Apply(ctx, objs)
	if err == nil || !strings.Contains(err.Error(), "namespaces [team] are still being deleted") {
		t.Errorf("err = %v, want it to name the terminating namespace", err)
	}
}
