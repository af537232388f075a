package cluster

import "testing"

func TestListsImage(t *testing.T) {
	list := "docker.io/rbac-e2e/probe:a3576b29e422\nregistry.k8s.io/pause:3.10\n"
	for _, c := range []struct {
		ref  string
		want bool
	}{
		{"rbac-e2e/probe:a3576b29e422", true},           // stored as docker.io/…
		{"docker.io/rbac-e2e/probe:a3576b29e422", true}, // already qualified
		{"registry.k8s.io/pause:3.10", true},
		{"rbac-e2e/probe:000000000000", false}, // another tag
		{"rbac-e2e/probe", false},              // no tag is no match
		{"pause:3.10", false},                  // docker.io/pause is not registry.k8s.io/pause
	} {
		if got := listsImage(list, c.ref); got != c.want {
			t.Errorf("listsImage(%q) = %v, want %v", c.ref, got, c.want)
		}
	}
}
