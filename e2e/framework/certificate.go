package framework

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

// ClientCertificateFor obtains a real client certificate for user and
// groups through the CSR API (signer kubernetes.io/kube-apiserver-client,
// approved by the suite's admin) and returns the subject that authenticates
// with it. The labelled CertificateSigningRequest is deleted when the spec
// ends, whatever its outcome.
func (f *Framework) ClientCertificateFor(ctx context.Context, user string, groups ...string) access.Subject {
	GinkgoHelper()
	name := identity.CSRName(user)
	By(fmt.Sprintf("a client certificate for user %q groups %q through CSR %s", user, groups, name))
	DeferCleanup(func(ctx context.Context) error { return identity.DeleteCSR(ctx, f.Admin, name) })
	start := time.Now()
	s, err := identity.ClientCertificateFor(ctx, f.Admin, identity.CertificateRequest{
		Name: name, User: user, Groups: groups, Labels: f.Env.ObjectLabels(), Timeout: f.Timeouts.Controller,
	})
	Expect(err).NotTo(HaveOccurred())
	GinkgoWriter.Printf("CSR %s: certificate issued in %s: %s\n", name, time.Since(start).Round(time.Millisecond), s)
	return s
}
