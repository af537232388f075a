package identity

import (
	"context"
	"fmt"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/secrets"
)

// TokenSecretInput names a legacy token Secret and its ServiceAccount.
type TokenSecretInput struct {
	// Namespace holds both the Secret and the ServiceAccount.
	Namespace      string
	Name           string
	ServiceAccount string
	Labels         map[string]string
}

// TokenSecret is a legacy, long-lived token Secret for a ServiceAccount: the
// token controller fills it once it exists.
func TokenSecret(in TokenSecretInput) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name: in.Name, Namespace: in.Namespace, Labels: in.Labels,
			Annotations: map[string]string{corev1.ServiceAccountNameKey: in.ServiceAccount},
		},
		Type: corev1.SecretTypeServiceAccountToken,
	}
}

// CreateTokenSecret creates a legacy token Secret, waits until the token
// controller has filled it, and then until the apiserver accepts its token
// (WaitTokenAccepted).
func CreateTokenSecret(ctx context.Context, admin kubernetes.Interface, s *corev1.Secret, timeout time.Duration) (*corev1.Secret, error) {
	if _, err := admin.CoreV1().Secrets(s.Namespace).Create(ctx, s, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("creating token Secret %s/%s: %w", s.Namespace, s.Name, err)
	}
	filled, err := WaitForTokenSecret(ctx, admin, s.Namespace, s.Name, timeout)
	if err != nil {
		return nil, err
	}
	return filled, WaitTokenAccepted(ctx, admin, filled, timeout)
}

// WaitTokenAccepted waits until the apiserver authenticates a filled token
// Secret's token. It compares the token with its informer's copy of the
// Secret, which can still be the unfilled one for a moment after the
// controller's update: a request then gets 401 (seen once in a parallel
// run: client-go 401, http 200 a moment later). The wait asks beside the
// token cache (ReviewTokenUncached), so a spec's first request is answered
// afresh. A legacy token has no aud: it is asked for the API audiences.
func WaitTokenAccepted(ctx context.Context, admin kubernetes.Interface, s *corev1.Secret, timeout time.Duration) error {
	auds, err := APIAudiences(ctx, admin, s.Namespace, timeout)
	if err != nil {
		return err
	}
	subject := SecretSubject(s)
	var last authenticationv1.TokenReviewStatus
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		st, err := ReviewTokenUncached(ctx, admin, subject, auds)
		if err != nil {
			return false, nil
		}
		last = st
		return st.Authenticated, nil
	})
	if err != nil {
		return fmt.Errorf("the token of Secret %s/%s (%s) was not accepted within %s (last TokenReview: authenticated=%v, error %q): %w",
			s.Namespace, s.Name, subject, timeout, last.Authenticated, last.Error, err)
	}
	return nil
}

// tokenSecretKeys are what the token controller puts into a token Secret.
var tokenSecretKeys = []string{corev1.ServiceAccountTokenKey, corev1.ServiceAccountRootCAKey, corev1.ServiceAccountNamespaceKey}

// WaitForTokenSecret waits until a token Secret holds token, ca.crt and namespace.
func WaitForTokenSecret(ctx context.Context, admin kubernetes.Interface, namespace, name string, timeout time.Duration) (*corev1.Secret, error) {
	var got *corev1.Secret
	missing := tokenSecretKeys
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		s, err := admin.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, fmt.Errorf("token Secret %s/%s is gone (the token controller deletes token Secrets of ServiceAccounts that do not exist)", namespace, name)
		}
		if err != nil {
			return false, nil
		}
		secrets.Track(string(s.Data[corev1.ServiceAccountTokenKey]))
		missing = nil
		for _, k := range tokenSecretKeys {
			if len(s.Data[k]) == 0 {
				missing = append(missing, k)
			}
		}
		got = s
		return len(missing) == 0, nil
	})
	if err != nil {
		return nil, fmt.Errorf("token Secret %s/%s not filled within %s (missing %v): %w", namespace, name, timeout, missing, err)
	}
	return got, nil
}

// SecretSubject is the token of a filled token Secret, as the ServiceAccount
// its annotation names.
func SecretSubject(s *corev1.Secret) access.Subject {
	sa := s.Annotations[corev1.ServiceAccountNameKey]
	secrets.Track(string(s.Data[corev1.ServiceAccountTokenKey]))
	return access.NewSubject(ServiceAccountUser(s.Namespace, sa), string(s.Data[corev1.ServiceAccountTokenKey]))
}
