package framework

import (
	"context"
	"time"

	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

// TokenFor waits for a ServiceAccount of the spec's namespace and returns a
// fresh TokenRequest token for it.
func (f *Framework) TokenFor(ctx context.Context, sa string, opts ...identity.TokenOption) access.Subject {
	Expect(identity.WaitForServiceAccount(ctx, f.Admin, f.Namespace, sa, 30*time.Second)).To(Succeed())
	s, _, err := identity.RequestToken(ctx, f.Admin, f.Namespace, sa, opts...)
	Expect(err).NotTo(HaveOccurred())
	return s
}
