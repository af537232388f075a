package identity

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestTokenSecretNamesItsServiceAccount(t *testing.T) {
	s := TokenSecret(TokenSecretInput{Namespace: "ns", Name: "sa-token", ServiceAccount: "sa", Labels: map[string]string{"l": "v"}})
	if s.Namespace != "ns" || s.Name != "sa-token" || s.Labels["l"] != "v" || s.Type != corev1.SecretTypeServiceAccountToken {
		t.Errorf("TokenSecret = %s/%s type %s labels %v", s.Namespace, s.Name, s.Type, s.Labels)
	}
	if got := s.Annotations[corev1.ServiceAccountNameKey]; got != "sa" {
		t.Errorf("annotation %s = %q, want the ServiceAccount sa", corev1.ServiceAccountNameKey, got)
	}
}
