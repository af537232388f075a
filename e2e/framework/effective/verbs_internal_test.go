package effective

import (
	"slices"
	"testing"
)

// Permissions keep their order now that the verbs come from access.Verbs.
func TestVerbOrderIsUnchanged(t *testing.T) {
	want := []string{"get", "list", "watch", "create", "post", "update", "put", "patch", "delete", "deletecollection",
		"approve", "attest", "bind", "escalate", "impersonate", "sign", "use"}
	if !slices.Equal(verbOrder, want) {
		t.Errorf("verbOrder = %q, want %q", verbOrder, want)
	}
}
