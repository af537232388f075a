package suite

import (
	"flag"
	"strings"
	"testing"
	"time"
)

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name    string
		s       Settings
		wantErr bool
	}{
		{"own cluster", Settings{}, false},
		{"own cluster, allowed anyway", Settings{AllowExistingCluster: true}, false},
		{"existing cluster not allowed", Settings{Kubeconfig: "/home/me/.kube/config"}, true},
		{"existing cluster allowed", Settings{Kubeconfig: "/home/me/.kube/config", AllowExistingCluster: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if !tt.wantErr {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			for _, want := range []string{"E2E_ALLOW_EXISTING_CLUSTER", tt.s.Kubeconfig} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Validate() = %q, want it to mention %q", err, want)
				}
			}
		})
	}
}

func TestSettingsRegisterFlags(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(Settings) bool
	}{
		{"defaults", nil, nil, func(s Settings) bool {
			return s.ClusterName == "rbac-e2e" && s.Artifacts == "_artifacts" && !s.AllowExistingCluster && s.Kubeconfig == ""
		}},
		{"from the environment", map[string]string{"E2E_CLUSTER_NAME": "c1", "E2E_KUBECONFIG": "/k", "E2E_ALLOW_EXISTING_CLUSTER": "true"}, nil,
			func(s Settings) bool { return s.ClusterName == "c1" && s.Kubeconfig == "/k" && s.AllowExistingCluster }},
		{"empty variable keeps the default", map[string]string{"E2E_CLUSTER_NAME": ""}, nil,
			func(s Settings) bool { return s.ClusterName == "rbac-e2e" }},
		{"unparsable bool is false", map[string]string{"E2E_REUSE_CLUSTER": "yes please"}, nil,
			func(s Settings) bool { return !s.ReuseCluster }},
		{"nested run, probe image, require all", map[string]string{"E2E_PARENT_RUN_ID": "r1", "E2E_PROBE_IMAGE": "reg/probe:1", "E2E_REQUIRE_ALL": "true"}, nil,
			func(s Settings) bool { return s.ParentRunID == "r1" && s.ProbeImage == "reg/probe:1" && s.RequireAll }},
		{"system ready timeout", map[string]string{"E2E_SYSTEM_READY_TIMEOUT": "2s"}, []string{"-parent-run-id=r2"},
			func(s Settings) bool { return s.SystemReadyTimeout == 2*time.Second && s.ParentRunID == "r2" }},
		{"unparsable timeout keeps the default", map[string]string{"E2E_SYSTEM_READY_TIMEOUT": "soon"}, nil,
			func(s Settings) bool { return s.SystemReadyTimeout == 3*time.Minute }},
		{"flags beat the environment", map[string]string{"E2E_CLUSTER_NAME": "c1"}, []string{"-cluster-name=c2", "-allow-existing-cluster"},
			func(s Settings) bool { return s.ClusterName == "c2" && s.AllowExistingCluster }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"E2E_CLUSTER_NAME", "E2E_REUSE_CLUSTER", "E2E_NODE_IMAGE", "E2E_OFFLINE_NODE_IMAGE",
				"E2E_KIND_CONFIG", "E2E_KUBECONFIG", "E2E_ALLOW_EXISTING_CLUSTER", "ARTIFACTS",
				"E2E_PARENT_RUN_ID", "E2E_PROBE_IMAGE", "E2E_REQUIRE_ALL", "E2E_SYSTEM_READY_TIMEOUT"} {
				t.Setenv(k, tt.env[k])
			}
			var s Settings
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			s.RegisterFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("settings = %+v", s)
			}
		})
	}
}
