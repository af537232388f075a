package identity

import (
	"context"
	"fmt"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/secrets"
)

// ServiceAccountUser is the username a ServiceAccount's tokens authenticate as.
func ServiceAccountUser(namespace, name string) string {
	return "system:serviceaccount:" + namespace + ":" + name
}

// TokenOption shapes a TokenRequest.
type TokenOption func(*authenticationv1.TokenRequestSpec)

// WithExpiration asks for a token lifetime.
func WithExpiration(d time.Duration) TokenOption {
	return func(s *authenticationv1.TokenRequestSpec) {
		secs := int64(d / time.Second)
		s.ExpirationSeconds = &secs
	}
}

// WithAudiences asks for a token of other audiences than the apiserver's.
func WithAudiences(aud ...string) TokenOption {
	return func(s *authenticationv1.TokenRequestSpec) { s.Audiences = aud }
}

// BoundTo binds the token to an object (a Secret or Pod): the token dies with it.
func BoundTo(kind, name string, uid string) TokenOption {
	return func(s *authenticationv1.TokenRequestSpec) {
		s.BoundObjectRef = &authenticationv1.BoundObjectReference{Kind: kind, APIVersion: "v1", Name: name, UID: types.UID(uid)}
	}
}

// RequestToken makes a TokenRequest (what kubectl create token does) and
// returns the answer with the token as a Subject.
func RequestToken(ctx context.Context, admin kubernetes.Interface, namespace, sa string, opts ...TokenOption) (access.Subject, *authenticationv1.TokenRequest, error) {
	tr := &authenticationv1.TokenRequest{}
	for _, o := range opts {
		o(&tr.Spec)
	}
	res, err := admin.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, sa, tr, metav1.CreateOptions{})
	if err != nil {
		return access.Subject{}, nil, fmt.Errorf("TokenRequest for %s/%s: %w", namespace, sa, err)
	}
	secrets.Track(res.Status.Token)
	return access.NewSubject(ServiceAccountUser(namespace, sa), res.Status.Token), res, nil
}

// WaitForServiceAccount waits for a ServiceAccount to exist, such as the
// "default" one the controller creates in every new namespace.
func WaitForServiceAccount(ctx context.Context, admin kubernetes.Interface, namespace, name string, timeout time.Duration) error {
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		_, err := admin.CoreV1().ServiceAccounts(namespace).Get(ctx, name, metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		return fmt.Errorf("ServiceAccount %s/%s did not appear within %s: %w", namespace, name, timeout, err)
	}
	return nil
}
