package matrix_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/matrix"
)

// What a small cluster serves, as discovery says it.
var served = matrix.NewAPIResources([]*metav1.APIResourceList{
	{GroupVersion: "v1", APIResources: []metav1.APIResource{
		{Name: "pods", Namespaced: true}, {Name: "pods/log", Namespaced: true}, {Name: "pods/exec", Namespaced: true},
		{Name: "namespaces"}, {Name: "secrets", Namespaced: true},
	}},
	{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{{Name: "deployments", Namespaced: true}}},
	{GroupVersion: "rbac.authorization.k8s.io/v1", APIResources: []metav1.APIResource{{Name: "clusterroles"}}},
})

func TestCheckServed(t *testing.T) {
	head := "subjects: [{serviceAccount: a/b}]\nrows:\n"
	tests := []struct {
		name string
		rows string
		want []string // empty: no error
	}{
		{"all served", "  - verbs: all\n    resources: [v1/pods, apps/v1/deployments]\n    namespaces: a\n    allowed: true\n" +
			"  - verbs: [list, watch]\n    resources: v1/pods\n    allowed: true\n" +
			"  - verbs: get\n    resources: v1/pods\n    subresource: log\n    namespaces: a\n    allowed: true\n" +
			"  - verbs: get\n    urls: /anything\n    allowed: true\n", nil},
		{"unknown resource", "  - verbs: get\n    resources: [v1/pods, apps/v1/deploymentz]\n    namespaces: a\n    allowed: true\n",
			[]string{"m.yaml:4: rows[0].resources[1]: apps/v1/deploymentz is not served by the cluster (no group serves a resource of that name)"}},
		{"wrong version", "  - verbs: get\n    resources: apps/v1beta1/deployments\n    namespaces: a\n    allowed: true\n",
			[]string{"m.yaml:4: rows[0].resources: apps/v1beta1/deployments is not served by the cluster (served: apps/v1/deployments)"}},
		{"wrong group", "  - verbs: get\n    resources: v1/deployments\n    namespaces: a\n    allowed: true\n",
			[]string{"(served: apps/v1/deployments)"}},
		{"unknown subresource", "  - verbs: get\n    resources: v1/pods\n    subresource: logs\n    namespaces: a\n    allowed: true\n",
			[]string{`m.yaml:5: rows[0].subresource: v1/pods has no subresource "logs" on the cluster (it has exec, log)`}},
		{"namespaces on a cluster-scoped resource", "  - verbs: get\n    resources: rbac.authorization.k8s.io/v1/clusterroles\n    namespaces: [a, b]\n    allowed: true\n",
			[]string{"m.yaml:5: rows[0].namespaces[0]: rbac.authorization.k8s.io/v1/clusterroles is cluster-scoped", "m.yaml:5: rows[0].namespaces[1]:"}},
		{"namespaced get without namespaces", "  - verbs: [get, list]\n    resources: v1/secrets\n    allowed: false\n",
			[]string{"m.yaml:3: rows[0].namespaces: v1/secrets is namespaced: get needs namespaces (only list and watch span all namespaces)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := matrix.Parse("m.yaml", []byte(head+tt.rows))
			if err != nil {
				t.Fatal(err)
			}
			err = m.CheckServed(served)
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("CheckServed() = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckServed() = nil, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// One bad resource in a row that expands to many checks is one error.
func TestCheckServedReportsOnce(t *testing.T) {
	m, err := matrix.Parse("m.yaml", []byte("subjects: [{serviceAccount: a/b}, {user: u}]\nrows:\n  - verbs: all\n    resources: v1/podz\n    namespaces: [a, b, c]\n    allowed: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = m.CheckServed(served)
	if err == nil || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("CheckServed() = %v, want one line", err)
	}
}
