package access_test

import (
	"testing"

	"rbac-e2e/e2e/framework/access"
)

func TestAuthzNamespace(t *testing.T) {
	ns := func(verb string) access.Request { return access.On(verb, "", "v1", "namespaces") }
	tests := []struct {
		name string
		req  access.Request
		want string
	}{
		{"get one Namespace", ns("get").Named("team-a"), "team-a"},
		{"delete one Namespace", ns("delete").Named("team-a"), "team-a"},
		{"Namespace status", ns("update").Named("team-a").Sub("status"), "team-a"},
		{"list Namespaces by name", ns("list").Named("team-a"), ""},
		{"create a Namespace", ns("create"), ""},
		{"pods in a namespace", access.On("get", "", "v1", "pods").In("team-a").Named("p"), "team-a"},
		{"a cluster-scoped object", access.On("get", "", "v1", "nodes").Named("n"), ""},
		{"namespaces of another group", access.On("get", "example.com", "v1", "namespaces").Named("x"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.req.AuthzNamespace(); got != tt.want {
				t.Errorf("AuthzNamespace() = %q, want %q", got, tt.want)
			}
			if got := access.ReviewAttributes(tt.req).ResourceAttributes.Namespace; got != tt.want {
				t.Errorf("review namespace = %q, want %q", got, tt.want)
			}
		})
	}
	want := `User "u" cannot get resource "namespaces" in API group "" in the namespace "team-a"`
	if got := access.RBACDenial("u", ns("get").Named("team-a")); got != want {
		t.Errorf("RBACDenial() = %q\n want %q", got, want)
	}
}
