package anonymous

import (
	"strings"
	"testing"

	"k8s.io/utils/ptr"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		cmdline []string
		want    Flags
		wantErr string
	}{
		{name: "kubeadm's defaults", cmdline: []string{"kube-apiserver", "--advertise-address=172.18.0.2", "--authorization-mode=Node,RBAC"}},
		{name: "off", cmdline: []string{"kube-apiserver", "--anonymous-auth=false"}, want: Flags{AnonymousAuth: ptr.To(false)}},
		{name: "bare bool is true", cmdline: []string{"kube-apiserver", "--anonymous-auth"}, want: Flags{AnonymousAuth: ptr.To(true)}},
		{name: "last one wins", cmdline: []string{"--anonymous-auth=false", "--anonymous-auth=true"}, want: Flags{AnonymousAuth: ptr.To(true)}},
		{name: "config with =", cmdline: []string{"--authentication-config=/etc/a.yaml"}, want: Flags{AuthenticationConfig: "/etc/a.yaml"}},
		{name: "config as next argument", cmdline: []string{"--authentication-config", "/etc/a.yaml", "--v=2"}, want: Flags{AuthenticationConfig: "/etc/a.yaml"}},
		{name: "a longer flag of the same prefix is another flag", cmdline: []string{"--anonymous-auth-x=false", "--authentication-config-y=/x"}},
		{name: "not a bool", cmdline: []string{"--anonymous-auth=maybe"}, wantErr: "--anonymous-auth=maybe"},
		{name: "config without a value", cmdline: []string{"--authentication-config"}, wantErr: "no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFlags(tt.cmdline)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseFlags() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.AuthenticationConfig != tt.want.AuthenticationConfig || !equalBool(got.AnonymousAuth, tt.want.AnonymousAuth) {
				t.Errorf("ParseFlags() = %+v (anonymous-auth %v), want %+v (%v)", got, deref(got.AnonymousAuth), tt.want, deref(tt.want.AnonymousAuth))
			}
		})
	}
}

const healthOnly = `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
anonymous:
  enabled: true
  conditions:
    - path: /livez
    - path: /readyz
    - path: /healthz
`

func TestParseAuthenticationConfig(t *testing.T) {
	cfg, err := ParseAuthenticationConfig([]byte(healthOnly))
	if err != nil {
		t.Fatal(err)
	}
	if cfg == nil || !cfg.Enabled || len(cfg.Conditions) != 3 || cfg.Conditions[2].Path != "/healthz" {
		t.Errorf("ParseAuthenticationConfig() = %+v", cfg)
	}
	json := `{"apiVersion":"apiserver.config.k8s.io/v1beta1","kind":"AuthenticationConfiguration","anonymous":{"enabled":false}}`
	if cfg, err := ParseAuthenticationConfig([]byte(json)); err != nil || cfg == nil || cfg.Enabled {
		t.Errorf("JSON, disabled: %+v, %v", cfg, err)
	}
	jwtOnly := "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt: []\n"
	if cfg, err := ParseAuthenticationConfig([]byte(jwtOnly)); err != nil || cfg != nil {
		t.Errorf("no anonymous section: %+v, %v; want nil, nil", cfg, err)
	}
	for name, bad := range map[string]string{
		"other kind":  "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\n",
		"other group": "apiVersion: v1\nkind: AuthenticationConfiguration\n",
		"not YAML":    "anonymous: [\n",
	} {
		if _, err := ParseAuthenticationConfig([]byte(bad)); err == nil || !strings.Contains(err.Error(), "not an AuthenticationConfiguration") {
			t.Errorf("%s: error = %v", name, err)
		}
	}
}

func TestDecide(t *testing.T) {
	const namespaces = "/api/v1/namespaces"
	withFile := Flags{AuthenticationConfig: "/etc/authn.yaml"}
	tests := []struct {
		name   string
		flags  Flags
		file   *Config
		path   string
		want   Mode
		whyHas string
	}{
		{name: "kubeadm default", path: namespaces, want: Anonymous, whyHas: "default true"},
		{name: "flag on", flags: Flags{AnonymousAuth: ptr.To(true)}, path: namespaces, want: Anonymous, whyHas: "--anonymous-auth=true"},
		{name: "flag off", flags: Flags{AnonymousAuth: ptr.To(false)}, path: namespaces, want: Refused, whyHas: "--anonymous-auth=false"},
		{name: "file: health only, namespaces", flags: withFile, path: namespaces, want: Refused,
			file:   &Config{Enabled: true, Conditions: []Condition{{"/livez"}, {"/readyz"}, {"/healthz"}}},
			whyHas: "only for /livez, /readyz, /healthz, not for /api/v1/namespaces"},
		{name: "file: health only, /livez", flags: withFile, path: "/livez", want: Anonymous,
			file: &Config{Enabled: true, Conditions: []Condition{{"/livez"}}}, whyHas: "enables it for /livez"},
		{name: "conditions match exactly, not by prefix", flags: withFile, path: "/livez/ping", want: Refused,
			file: &Config{Enabled: true, Conditions: []Condition{{"/livez"}}}},
		{name: "file: enabled for all", flags: withFile, path: namespaces, want: Anonymous, file: &Config{Enabled: true}, whyHas: "every path"},
		{name: "file: disabled", flags: withFile, path: namespaces, want: Refused, file: &Config{}, whyHas: "disables it"},
		{name: "file without anonymous section: the flag decides", flags: Flags{AuthenticationConfig: "/x", AnonymousAuth: ptr.To(false)}, path: namespaces, want: Refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.flags, tt.file, tt.path)
			if d.Mode != tt.want || !strings.Contains(d.Why, tt.whyHas) {
				t.Errorf("Decide() = %v (%s), want %v with %q", d.Mode, d.Why, tt.want, tt.whyHas)
			}
		})
	}
}

func equalBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref(b *bool) any {
	if b == nil {
		return "unset"
	}
	return *b
}
