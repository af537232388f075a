package framework

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

// TokenFor waits for a ServiceAccount of the spec's namespace and returns a
// fresh TokenRequest token for it.
func (f *Framework) TokenFor(ctx context.Context, sa string, opts ...identity.TokenOption) access.Subject {
	GinkgoHelper()
	Byf("requesting a token for ServiceAccount %s/%s", f.Namespace, sa)
	Expect(identity.WaitForServiceAccount(ctx, f.Admin, f.Namespace, sa, f.Timeouts.Controller)).To(Succeed())
	s, _, err := identity.RequestToken(ctx, f.Admin, f.Namespace, sa, opts...)
	Expect(err).NotTo(HaveOccurred())
	return s
}
