package identity

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/secrets"
)

// WhoAmI is the SelfSubjectReview a token's holder makes to learn who it
// authenticates as (kubectl auth whoami).
func WhoAmI() access.Request {
	return access.On("create", authenticationv1.GroupName, "v1", "selfsubjectreviews").
		WithBody([]byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`))
}

// WhoAmIAnswer decodes the answer to WhoAmI.
func WhoAmIAnswer(body []byte) (authenticationv1.UserInfo, error) {
	var r authenticationv1.SelfSubjectReview
	if err := json.Unmarshal(body, &r); err != nil {
		return authenticationv1.UserInfo{}, fmt.Errorf("decoding SelfSubjectReview: %w", err)
	}
	if r.Kind != "SelfSubjectReview" {
		return authenticationv1.UserInfo{}, fmt.Errorf("decoding SelfSubjectReview: got kind %q", r.Kind)
	}
	return r.Status.UserInfo, nil
}

// ReviewToken asks, as the admin, who a subject's token authenticates as
// (a TokenReview, what webhook authenticators and aggregated servers ask).
func ReviewToken(ctx context.Context, admin kubernetes.Interface, s access.Subject) (authenticationv1.TokenReviewStatus, error) {
	secrets.Track(s.BearerToken())
	r, err := admin.AuthenticationV1().TokenReviews().Create(ctx, &authenticationv1.TokenReview{
		Spec: authenticationv1.TokenReviewSpec{Token: s.BearerToken()},
	}, metav1.CreateOptions{})
	if err != nil {
		return authenticationv1.TokenReviewStatus{}, fmt.Errorf("TokenReview of %s: %w", s, err)
	}
	return r.Status, nil
}

// uncachedAudience is an audience no token carries, new on every call:
// added to a review's audiences, it makes them differ from the apiserver's
// own and from every other review's.
func uncachedAudience() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "urn:rbac-e2e:review-beside-the-cache:" + hex.EncodeToString(b)
}

// ReviewTokenUncached is ReviewToken for audiences (those the apiserver
// accepts the token for: its API audiences, or the token's own aud) plus
// one no token carries, new each time. The apiserver caches successful
// authentications for 10 s keyed by audiences and token, so this review
// neither reads nor fills the entry a request with the token uses, nor one
// an earlier review filled: it is the authenticator's verdict now, and a
// later request still authenticates afresh.
func ReviewTokenUncached(ctx context.Context, admin kubernetes.Interface, s access.Subject, audiences []string) (authenticationv1.TokenReviewStatus, error) {
	auds := append(slices.Clone(audiences), uncachedAudience())
	r, err := admin.AuthenticationV1().TokenReviews().Create(ctx, &authenticationv1.TokenReview{
		Spec: authenticationv1.TokenReviewSpec{Token: s.BearerToken(), Audiences: auds},
	}, metav1.CreateOptions{})
	if err != nil {
		return authenticationv1.TokenReviewStatus{}, fmt.Errorf("TokenReview of %s for audiences %v: %w", s, auds, err)
	}
	return r.Status, nil
}

// APIAudiences are the audiences the API server issues and accepts tokens
// for, read from a TokenRequest token of the namespace's default
// ServiceAccount (waited for up to timeout): what a legacy token, which has
// no aud claim, is accepted for.
func APIAudiences(ctx context.Context, admin kubernetes.Interface, namespace string, timeout time.Duration) ([]string, error) {
	if err := WaitForServiceAccount(ctx, admin, namespace, "default", timeout); err != nil {
		return nil, err
	}
	bound, _, err := RequestToken(ctx, admin, namespace, "default")
	if err != nil {
		return nil, err
	}
	return TokenAudiences(bound)
}

// AcceptedAudiences are what the API server accepts s's token for: its aud
// claim, or for a legacy token the API audiences (APIAudiences).
func AcceptedAudiences(ctx context.Context, admin kubernetes.Interface, s access.Subject, namespace string, timeout time.Duration) ([]string, error) {
	auds, err := TokenAudiences(s)
	if err != nil || len(auds) > 0 {
		return auds, err
	}
	return APIAudiences(ctx, admin, namespace, timeout)
}

// TokenAudiences are the aud claim of a bound token (TokenRequest's).
func TokenAudiences(s access.Subject) ([]string, error) {
	tok, err := ParseToken(s.BearerToken())
	if err != nil {
		return nil, err
	}
	return tok.Claims.Audience, nil
}
