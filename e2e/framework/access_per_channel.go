package framework

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/access"
)

// ExpectAccessPerChannel is ExpectAccess for a request that changes state:
// each channel acts on an object of its own, NAME-client-go and NAME-http
// (see access.Checker.DoPerChannel). It returns what came back, for specs
// that look at the bodies.
func (f *Framework) ExpectAccessPerChannel(ctx context.Context, s access.Subject, r access.Request, e access.Expectation) access.Result {
	GinkgoHelper()
	res, err := f.Checker.DoPerChannel(ctx, s, r, e)
	Expect(err).NotTo(HaveOccurred())
	if err := res.Err(); err != nil {
		Fail(err.Error())
	}
	return res
}

// EventuallyAccessPerChannel polls a state-changing check after a change to
// RBAC. next makes every attempt's request with a fresh object name, so an
// attempt that succeeded through one channel only (the change reached the
// authorizer between the two) leaves nothing in the next attempt's way;
// cleaning up every name next handed out is the caller's part.
func (f *Framework) EventuallyAccessPerChannel(ctx context.Context, timeout time.Duration, s access.Subject, next func() access.Request, e access.Expectation) {
	GinkgoHelper()
	Eventually(ctx, func(ctx context.Context) error {
		return f.Checker.CheckPerChannel(ctx, s, next(), e)
	}).WithTimeout(timeout).WithPolling(PollInterval).Should(Succeed())
}
