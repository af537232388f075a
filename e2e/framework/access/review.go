package access

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Review is the answer of a SelfSubjectAccessReview (what kubectl auth can-i asks).
type Review struct {
	Allowed, Denied bool
	Reason          string
	Err             error
	Tries           Tries // how often it was asked (see Checker.review)
}

func (r Review) String() string {
	if r.Err != nil {
		var status apierrors.APIStatus
		if errors.As(r.Err, &status) && status.Status().Code != 0 {
			code := int(status.Status().Code)
			return fmt.Sprintf("review failed: %d %s: %v", code, http.StatusText(code), r.Err)
		}
		return fmt.Sprintf("review failed: %v", r.Err)
	}
	s := fmt.Sprintf("allowed=%t", r.Allowed)
	if r.Reason != "" {
		s += fmt.Sprintf(" (reason %q)", r.Reason)
	}
	return s
}

// ReviewAttributes are the access-review attributes of a request.
func ReviewAttributes(r Request) authorizationv1.SelfSubjectAccessReviewSpec {
	if !r.IsResource() {
		return authorizationv1.SelfSubjectAccessReviewSpec{
			NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: r.URL, Verb: strings.ToLower(r.Method())},
		}
	}
	return authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
		Namespace: r.AuthzNamespace(), Verb: r.Verb, Group: r.Resource.Group, Version: r.Resource.Version,
		Resource: r.Resource.Resource, Subresource: r.Subresource, Name: r.Name,
	}}
}

// SelfReview asks, with the subject's own token, whether it may make the request.
func (c *ClientGoChannel) SelfReview(ctx context.Context, s Subject, r Request) Review {
	tc, err := c.clients(s)
	if err != nil {
		return Review{Err: err}
	}
	res, err := tc.typed.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx,
		&authorizationv1.SelfSubjectAccessReview{Spec: ReviewAttributes(r)}, metav1.CreateOptions{})
	if err != nil {
		return Review{Err: err}
	}
	return Review{Allowed: res.Status.Allowed, Denied: res.Status.Denied, Reason: res.Status.Reason}
}
