package framework

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

// CreateTokenSecret makes a labelled legacy token Secret named SA-token for a
// ServiceAccount of the spec's namespace (removed with the namespace), waits
// until the token controller has filled it, and returns it with its token.
func (f *Framework) CreateTokenSecret(ctx context.Context, sa string) (*corev1.Secret, access.Subject) {
	GinkgoHelper()
	secret := identity.TokenSecret(identity.TokenSecretInput{Namespace: f.Namespace, Name: sa + "-token", ServiceAccount: sa, Labels: f.Env.ObjectLabels()})
	s, err := identity.CreateTokenSecret(ctx, f.Admin, secret, f.Timeouts.Controller)
	Expect(err).NotTo(HaveOccurred())
	return s, identity.SecretSubject(s)
}
