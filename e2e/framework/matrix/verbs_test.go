package matrix_test

import (
	"slices"
	"testing"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

// A resource row names the verbs a request carries, in their order, and a
// change to one list cannot leave the other behind.
func TestResourceVerbsAreTheRequestVerbs(t *testing.T) {
	want := []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
	if !slices.Equal(matrix.ResourceVerbs, want) || !slices.Equal(matrix.ResourceVerbs, access.Verbs) {
		t.Errorf("matrix.ResourceVerbs = %q, access.Verbs = %q, want both %q", matrix.ResourceVerbs, access.Verbs, want)
	}
	if !slices.Equal(matrix.VerbAliases["all"], want) {
		t.Errorf(`VerbAliases["all"] = %q, want %q`, matrix.VerbAliases["all"], want)
	}
}
