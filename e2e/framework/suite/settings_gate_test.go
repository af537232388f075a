package suite

import (
	"strings"
	"testing"
)

func TestGateSettingsValidate(t *testing.T) {
	cases := []struct {
		name    string
		s       Settings
		wantErr string
	}{
		{"default", Settings{}, ""},
		{"own", Settings{GateCluster: GateOwnCluster}, ""},
		{"shared", Settings{GateCluster: GateSharedCluster}, ""},
		{"unknown", Settings{GateCluster: "mine"}, `E2E_GATE_CLUSTER="mine": want "own" or "shared"`},
		{"applied in a nested run", Settings{GateApplied: true, ParentRunID: "p"}, ""},
		{"applied in a run of its own", Settings{GateApplied: true}, "E2E_GATE_APPLIED is for nested runs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.validateGate()
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("validateGate() = %v, want nil", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("validateGate() = %v, want it to mention %q", err, c.wantErr)
			}
		})
	}
	if got := (&Settings{ClusterName: "rbac-e2e"}).GateClusterName(); got != "rbac-e2e-gate" {
		t.Errorf("GateClusterName() = %q, want rbac-e2e-gate", got)
	}
}
