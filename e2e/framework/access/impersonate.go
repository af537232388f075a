package access

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Review is the access review of a request. For a subject that impersonates
// it is the SelfSubjectAccessReview made while impersonating (what
// `kubectl auth can-i --as` asks): the server decides the impersonation, with
// its legacy and constrained rules, and answers for the impersonated user's
// real groups. When that review is refused because the impersonation is,
// the request would be refused too: the answer is "not allowed". (A subject
// allowed to impersonate only for some verbs through constrained
// impersonation could be refused the review but allowed the request; no spec
// does that.)
func (c *ClientGoChannel) Review(ctx context.Context, s Subject, r Request) Review {
	rv := c.SelfReview(ctx, s, r)
	if _, as := s.Impersonated(); as && apierrors.IsForbidden(rv.Err) {
		return Review{Denied: true, Reason: "impersonation refused: " + rv.Err.Error()}
	}
	return rv
}
