package framework

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

// The apiserver caches a token's successful authentication for 10 s: a
// request made to show a token works keeps the next requests succeeding for
// that long whatever happens to the token. These ask beside that cache
// (identity.ReviewTokenUncached), so a revocation spec can prove a token
// good, revoke it, and see the authenticator's own verdict at once, then
// check it on both channels.

// ExpectTokenAccepted asserts that the apiserver authenticates s's token
// now, as s.User.
func (f *Framework) ExpectTokenAccepted(ctx context.Context, s access.Subject) {
	GinkgoHelper()
	Byf("TokenReview beside the token cache: %v is accepted", s)
	auds := f.acceptedAudiences(ctx, s)
	Expect(f.tokenVerdict(ctx, s, auds, true)).To(Succeed())
}

// EventuallyTokenRefused polls the same review until the apiserver refuses
// s's token, within the revocation bound.
func (f *Framework) EventuallyTokenRefused(ctx context.Context, s access.Subject) {
	GinkgoHelper()
	Byf("waiting up to %s: TokenReview beside the token cache refuses %v", f.Timeouts.Revocation, s)
	auds := f.acceptedAudiences(ctx, s)
	Eventually(ctx, func(ctx context.Context) error {
		return f.tokenVerdict(ctx, s, auds, false)
	}).WithTimeout(f.Timeouts.Revocation).WithPolling(f.Timeouts.Poll).Should(Succeed())
}

// acceptedAudiences are the audiences s's token is asked for (a legacy
// token's: the API audiences, learnt in the spec's namespace).
func (f *Framework) acceptedAudiences(ctx context.Context, s access.Subject) []string {
	GinkgoHelper()
	auds, err := identity.AcceptedAudiences(ctx, f.Admin, s, f.Namespace, f.Timeouts.Controller)
	Expect(err).NotTo(HaveOccurred(), "the audiences to ask for %v", s)
	return auds
}

func (f *Framework) tokenVerdict(ctx context.Context, s access.Subject, auds []string, accepted bool) error {
	st, err := identity.ReviewTokenUncached(ctx, f.Admin, s, auds)
	if err != nil {
		return err
	}
	switch {
	case accepted && (!st.Authenticated || st.User.Username != s.User):
		return fmt.Errorf("TokenReview of %s: want accepted as %q, got authenticated=%v as %q (error %q)", s, s.User, st.Authenticated, st.User.Username, st.Error)
	case !accepted && st.Authenticated:
		return fmt.Errorf("TokenReview of %s: want refused, got authenticated as %q", s, st.User.Username)
	}
	return nil
}
