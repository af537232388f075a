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
	Expect(f.tokenVerdict(ctx, s, true)).To(Succeed())
}

// EventuallyTokenRefused polls the same review until the apiserver refuses
// s's token, within the revocation bound.
func (f *Framework) EventuallyTokenRefused(ctx context.Context, s access.Subject) {
	GinkgoHelper()
	Byf("waiting up to %s: TokenReview beside the token cache refuses %v", f.Timeouts.Revocation, s)
	Eventually(ctx, func(ctx context.Context) error {
		return f.tokenVerdict(ctx, s, false)
	}).WithTimeout(f.Timeouts.Revocation).WithPolling(f.Timeouts.Poll).Should(Succeed())
}

func (f *Framework) tokenVerdict(ctx context.Context, s access.Subject, accepted bool) error {
	auds, err := f.audiencesFor(ctx, s)
	if err != nil {
		return err
	}
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

// audiencesFor are the audiences the apiserver accepts s's token for: its
// aud claim, or for a legacy token (none) the API audiences, read from a
// TokenRequest token of the namespace's default ServiceAccount.
func (f *Framework) audiencesFor(ctx context.Context, s access.Subject) ([]string, error) {
	auds, err := identity.TokenAudiences(s)
	if err != nil || len(auds) > 0 {
		return auds, err
	}
	if err := identity.WaitForServiceAccount(ctx, f.Admin, f.Namespace, "default", f.Timeouts.Controller); err != nil {
		return nil, err
	}
	bound, _, err := identity.RequestToken(ctx, f.Admin, f.Namespace, "default")
	if err != nil {
		return nil, err
	}
	return identity.TokenAudiences(bound)
}
