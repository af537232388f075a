package suite

import (
	"flag"
	"strings"
	"testing"
	"time"
)

var timeoutVariables = []string{"E2E_RBAC_TIMEOUT", "E2E_REVOCATION_TIMEOUT", "E2E_CONTROLLER_TIMEOUT", "E2E_PROBE_TIMEOUT",
	"E2E_NAMESPACE_TIMEOUT", "E2E_POLL_INTERVAL", "E2E_TIMEOUT_SCALE", "E2E_KEEP_ON_FAILURE"}

func TestTimeoutSettings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want Timeouts // scaled
		keep bool
	}{
		{"today's values by default", nil, nil,
			Timeouts{Poll: 250 * time.Millisecond, RBAC: 30 * time.Second, Revocation: 45 * time.Second, Controller: 30 * time.Second,
				Probe: 2 * time.Minute, Namespace: 3 * time.Minute, Scale: 1}, false},
		{"from the environment", map[string]string{"E2E_RBAC_TIMEOUT": "5s", "E2E_REVOCATION_TIMEOUT": "1m", "E2E_POLL_INTERVAL": "1s", "E2E_KEEP_ON_FAILURE": "true"}, nil,
			Timeouts{Poll: time.Second, RBAC: 5 * time.Second, Revocation: time.Minute, Controller: 30 * time.Second,
				Probe: 2 * time.Minute, Namespace: 3 * time.Minute, Scale: 1}, true},
		{"the scale stretches every bound but the poll interval", map[string]string{"E2E_TIMEOUT_SCALE": "2", "E2E_RBAC_TIMEOUT": "10s"}, nil,
			Timeouts{Poll: 250 * time.Millisecond, RBAC: 20 * time.Second, Revocation: 90 * time.Second, Controller: time.Minute,
				Probe: 4 * time.Minute, Namespace: 6 * time.Minute, Scale: 2}, false},
		{"flags beat the environment", map[string]string{"E2E_TIMEOUT_SCALE": "2"}, []string{"-timeout-scale=1.5", "-probe-timeout=1m", "-keep-on-failure"},
			Timeouts{Poll: 250 * time.Millisecond, RBAC: 45 * time.Second, Revocation: 67500 * time.Millisecond, Controller: 45 * time.Second,
				Probe: 90 * time.Second, Namespace: 270 * time.Second, Scale: 1.5}, true},
		{"unparsable values keep the defaults", map[string]string{"E2E_RBAC_TIMEOUT": "30", "E2E_TIMEOUT_SCALE": "double"}, nil,
			Timeouts{Poll: 250 * time.Millisecond, RBAC: 30 * time.Second, Revocation: 45 * time.Second, Controller: 30 * time.Second,
				Probe: 2 * time.Minute, Namespace: 3 * time.Minute, Scale: 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range timeoutVariables {
				t.Setenv(k, tt.env[k])
			}
			var s Settings
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			s.RegisterFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if got := s.ScaledTimeouts(); got != tt.want {
				t.Errorf("ScaledTimeouts() = %+v, want %+v", got, tt.want)
			}
			if s.KeepOnFailure != tt.keep {
				t.Errorf("KeepOnFailure = %v, want %v", s.KeepOnFailure, tt.keep)
			}
			if err := s.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestTimeoutSettingsValidate(t *testing.T) {
	s := Settings{Timeouts: Timeouts{Scale: -1, RBAC: -time.Second}}
	err := s.Validate()
	if err == nil {
		t.Fatal("Validate() = nil for a negative scale and bound")
	}
	for _, want := range []string{"E2E_TIMEOUT_SCALE (--timeout-scale) is -1", "E2E_RBAC_TIMEOUT is -1s"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %q, want it to mention %q", err, want)
		}
	}
	// Zero is unset: the defaults (a Settings built in code).
	if got := (Timeouts{}).Resolved(); got != DefaultTimeouts() {
		t.Errorf("Timeouts{}.Resolved() = %+v, want the defaults", got)
	}
}

func TestResolvedAndScaled(t *testing.T) {
	if d := DefaultTimeouts(); d.Scaled(time.Minute) != time.Minute || (Timeouts{}).Scaled(time.Minute) != time.Minute {
		t.Fatalf("unscaled: Scaled(1m) = %s, %s; want 1m", d.Scaled(time.Minute), (Timeouts{}).Scaled(time.Minute))
	}
	tt := Timeouts{Poll: time.Second, RBAC: time.Minute, Revocation: 3 * time.Minute, Controller: 40 * time.Second,
		Probe: 5 * time.Minute, Namespace: 7 * time.Minute, Scale: 3}.Resolved()
	for name, got := range map[string][2]time.Duration{
		"Poll":        {tt.Poll, time.Second},
		"RBAC":        {tt.RBAC, 3 * time.Minute},
		"Revocation":  {tt.Revocation, 9 * time.Minute},
		"Controller":  {tt.Controller, 2 * time.Minute},
		"Probe":       {tt.Probe, 15 * time.Minute},
		"Namespace":   {tt.Namespace, 21 * time.Minute},
		"Scaled(12m)": {tt.Scaled(12 * time.Minute), 36 * time.Minute},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %s, want %s", name, got[0], got[1])
		}
	}
}

func TestSweepCommand(t *testing.T) {
	for _, tt := range []struct {
		s    Settings
		want string
	}{
		{Settings{ClusterName: "rbac-e2e"}, "make sweep"},
		{Settings{ClusterName: "mine"}, "E2E_CLUSTER_NAME=mine make sweep"},
		{Settings{ClusterName: "mine", Kubeconfig: "/k"}, "E2E_KUBECONFIG=/k make sweep"},
	} {
		if got := SweepCommand(&tt.s); got != tt.want {
			t.Errorf("SweepCommand(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}
