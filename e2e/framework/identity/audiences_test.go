package identity_test

import (
	"slices"
	"testing"

	"rbac-e2e/e2e/framework/identity"
)

func TestAPIServerAudiences(t *testing.T) {
	const kind = "https://kubernetes.default.svc.cluster.local"
	tests := []struct {
		name string
		args []string
		want []string
		from string // "" expects an error
	}{
		{"kubeadm: issuer only", []string{"kube-apiserver", "--advertise-address=172.18.0.2", "--service-account-issuer=" + kind, "--service-account-key-file=/etc/kubernetes/pki/sa.pub"},
			[]string{kind}, "--service-account-issuer (no --api-audiences)"},
		{"every issuer when repeated", []string{"--service-account-issuer=https://new.example", "--service-account-issuer", "https://old.example"},
			[]string{"https://new.example", "https://old.example"}, "--service-account-issuer (no --api-audiences)"},
		{"api-audiences win, comma-separated and repeated", []string{"--service-account-issuer=" + kind, "--api-audiences=a, b", "--api-audiences", "c"},
			[]string{"a", "b", "c"}, "--api-audiences"},
		{"empty api-audiences fall back to the issuer", []string{"--api-audiences=", "--service-account-issuer=" + kind},
			[]string{kind}, "--service-account-issuer (no --api-audiences)"},
		{"a look-alike flag is not the flag", []string{"--api-audiences-extra=x", "-api-audiences=y"}, nil, ""},
		{"none", []string{"kube-apiserver"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, from, err := identity.APIServerAudiences(tt.args)
			if tt.from == "" {
				if err == nil {
					t.Fatalf("want an error, got %q from %s", got, from)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) || from != tt.from {
				t.Errorf("got %q from %q (err %v), want %q from %q", got, from, err, tt.want, tt.from)
			}
		})
	}
}

func TestFlagValues(t *testing.T) {
	args := []string{"kube-apiserver", "--service-account-issuer=https://a", "--service-account-issuer", "https://b", "--service-account-issuer-extra=x", "--other=y"}
	if got, want := identity.FlagValues(args, "service-account-issuer"), []string{"https://a", "https://b"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := identity.FlagValues(args, "absent"); got != nil {
		t.Errorf("absent flag: got %q", got)
	}
}
