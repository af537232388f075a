package report

import (
	"slices"
	"testing"
)

// The grid's columns keep their order now that they come from access.Verbs.
func TestVerbOrderIsUnchanged(t *testing.T) {
	want := []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
	if !slices.Equal(verbOrder, want) {
		t.Errorf("verbOrder = %q, want %q", verbOrder, want)
	}
	if verbRank("escalate") != len(want) {
		t.Errorf("verbRank(escalate) = %d, want %d (after every listed verb)", verbRank("escalate"), len(want))
	}
}
