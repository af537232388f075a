package framework

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/access"
)

// ExpectAccess checks a request through both channels (and the access review)
// now, failing the spec with the whole story when anything differs.
func (f *Framework) ExpectAccess(ctx context.Context, s access.Subject, r access.Request, e access.Expectation) {
	GinkgoHelper()
	if err := f.Checker.Check(ctx, s, r, e); err != nil {
		Fail(err.Error())
	}
}

// EventuallyAccess polls the check until it passes or timeout ends, for
// expectations that follow a change to RBAC or tokens.
func (f *Framework) EventuallyAccess(ctx context.Context, timeout time.Duration, s access.Subject, r access.Request, e access.Expectation) {
	GinkgoHelper()
	Byf("waiting up to %s: %s as %v → %s", timeout, r.Target(), s, e)
	Eventually(ctx, func(ctx context.Context) error {
		return f.Checker.Check(ctx, s, r, e)
	}).WithTimeout(timeout).WithPolling(f.Timeouts.Poll).Should(Succeed())
}

// ConsistentlyAccess checks the request again and again for duration and
// fails the spec as soon as one check misses, for outcomes that must last
// (a revoked token stays revoked).
func (f *Framework) ConsistentlyAccess(ctx context.Context, duration time.Duration, s access.Subject, r access.Request, e access.Expectation) {
	GinkgoHelper()
	Byf("checking for %s that %s as %v stays %s", duration, r.Target(), s, e)
	Consistently(ctx, func(ctx context.Context) error {
		return f.Checker.Check(ctx, s, r, e)
	}).WithTimeout(duration).WithPolling(time.Second).Should(Succeed())
}

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
	r := next()
	Byf("waiting up to %s: %s as %v, each channel with an object of its own → %s", timeout, r.Target(), s, e)
	Eventually(ctx, func(ctx context.Context) error {
		err := f.Checker.CheckPerChannel(ctx, s, r, e)
		r = next()
		return err
	}).WithTimeout(timeout).WithPolling(f.Timeouts.Poll).Should(Succeed())
}
