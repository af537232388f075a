package identity

import (
	"context"
	cryptorand "crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
)

// Defaults of a CertificateRequest.
const (
	DefaultCertificateLifetime = time.Hour
	// MinCertificateLifetime is the least expirationSeconds the API takes.
	MinCertificateLifetime = 10 * time.Minute
	DefaultIssueTimeout    = 30 * time.Second
)

// CertificateRequest is a client certificate to obtain through the CSR API.
type CertificateRequest struct {
	// Name of the CertificateSigningRequest (cluster-scoped), e.g. from
	// CSRName; required, so the caller can delete it whatever happens.
	Name   string
	User   string   // the certificate's CommonName: the user it authenticates as
	Groups []string // its Organizations: the user's groups
	Labels map[string]string
	// Lifetime is expirationSeconds; DefaultCertificateLifetime when 0.
	Lifetime time.Duration
	// Timeout bounds the wait for the signer; DefaultIssueTimeout when 0.
	Timeout time.Duration
}

var notDNS = regexp.MustCompile(`[^a-z0-9.-]+`)

// CSRName is a unique, valid CertificateSigningRequest name for user.
func CSRName(user string) string {
	base := strings.TrimPrefix(strings.ToLower(user), "rbac-e2e-")
	base = strings.Trim(notDNS.ReplaceAllString(base, "-"), "-.")
	if len(base) > 40 {
		base = base[:40]
	}
	return "rbac-e2e-" + base + "-" + rand.String(6)
}

// ClientCertificateFor obtains a real client certificate for a user and
// groups the way a cluster's own users get one: a fresh ECDSA key, a CSR
// (CN = user, O = groups) for the signer kubernetes.io/kube-apiserver-client
// with usage "client auth", approved by admin (who needs `approve` on that
// signer), then the certificate the signer (kube-controller-manager's
// --cluster-signing-* on kubeadm and kind) puts into status.certificate. It
// returns a subject authenticating with that certificate. The CSR is left
// for the caller to delete (DeleteCSR), also when this fails.
func ClientCertificateFor(ctx context.Context, admin kubernetes.Interface, req CertificateRequest) (access.Subject, error) {
	if req.Name == "" || req.User == "" {
		return access.Subject{}, errors.New("client certificate: a CSR name and a user are required")
	}
	lifetime := req.Lifetime
	if lifetime == 0 {
		lifetime = DefaultCertificateLifetime
	}
	if lifetime < MinCertificateLifetime {
		return access.Subject{}, fmt.Errorf("client certificate for %q: lifetime %s is below the API's minimum %s", req.User, lifetime, MinCertificateLifetime)
	}
	timeout := req.Timeout
	if timeout == 0 {
		timeout = DefaultIssueTimeout
	}
	what := fmt.Sprintf("client certificate for user %q groups %q (CSR %s)", req.User, req.Groups, req.Name)

	key, keyPEM, err := NewClientKey()
	if err != nil {
		return access.Subject{}, fmt.Errorf("%s: %w", what, err)
	}
	der, err := x509.CreateCertificateRequest(cryptorand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: req.User, Organization: req.Groups},
	}, key)
	if err != nil {
		return access.Subject{}, fmt.Errorf("%s: %w", what, err)
	}
	secs := int32(lifetime / time.Second)
	csrs := admin.CertificatesV1().CertificateSigningRequests()
	csr, err := csrs.Create(ctx, &certificatesv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: req.Name, Labels: req.Labels},
		Spec: certificatesv1.CertificateSigningRequestSpec{
			Request:           pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}),
			SignerName:        certificatesv1.KubeAPIServerClientSignerName,
			Usages:            []certificatesv1.KeyUsage{certificatesv1.UsageClientAuth},
			ExpirationSeconds: &secs,
		},
	}, metav1.CreateOptions{})
	if err != nil {
		return access.Subject{}, fmt.Errorf("%s: creating the CSR: %w", what, err)
	}
	csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
		Type: certificatesv1.CertificateApproved, Status: corev1.ConditionTrue,
		Reason: "RBACE2EApproved", Message: "approved by the rbac-e2e suite for its own test user",
		LastUpdateTime: metav1.Now(),
	})
	if _, err := csrs.UpdateApproval(ctx, req.Name, csr, metav1.UpdateOptions{}); err != nil {
		return access.Subject{}, fmt.Errorf("%s: approving the CSR: %w", what, err)
	}
	certPEM, err := waitForCertificate(ctx, admin, req.Name, timeout)
	if err != nil {
		return access.Subject{}, fmt.Errorf("%s: %w", what, err)
	}
	s, err := access.CertificateSubject(certPEM, keyPEM)
	if err != nil {
		return access.Subject{}, fmt.Errorf("%s: the signer's answer: %w", what, err)
	}
	if s.User != req.User {
		return access.Subject{}, fmt.Errorf("%s: the signer issued a certificate for CN %q", what, s.User)
	}
	return s, nil
}

// waitForCertificate polls the CSR until the signer fills
// status.certificate, or says Denied or Failed, or timeout ends.
func waitForCertificate(ctx context.Context, admin kubernetes.Interface, name string, timeout time.Duration) ([]byte, error) {
	var last *certificatesv1.CertificateSigningRequest
	var refused error
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		csr, err := admin.CertificatesV1().CertificateSigningRequests().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil // a transient error; the bound decides
		}
		last = csr
		for _, c := range csr.Status.Conditions {
			if (c.Type == certificatesv1.CertificateDenied || c.Type == certificatesv1.CertificateFailed) && c.Status == corev1.ConditionTrue {
				refused = fmt.Errorf("the CSR was %s: %s: %s", c.Type, c.Reason, c.Message)
				return true, nil
			}
		}
		return len(csr.Status.Certificate) > 0, nil
	})
	if refused != nil {
		return nil, refused
	}
	if err != nil {
		return nil, fmt.Errorf("no certificate within %s (conditions %s): does the cluster run a signer for %s "+
			"(kube-controller-manager --cluster-signing-cert-file/--cluster-signing-key-file)?", timeout, conditionsOf(last), certificatesv1.KubeAPIServerClientSignerName)
	}
	return last.Status.Certificate, nil
}

func conditionsOf(csr *certificatesv1.CertificateSigningRequest) string {
	if csr == nil {
		return "unknown: the CSR could not be read"
	}
	var out []string
	for _, c := range csr.Status.Conditions {
		out = append(out, fmt.Sprintf("%s=%s (%s)", c.Type, c.Status, c.Reason))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// DeleteCSR removes a CertificateSigningRequest; one already gone is no error.
func DeleteCSR(ctx context.Context, admin kubernetes.Interface, name string) error {
	err := admin.CertificatesV1().CertificateSigningRequests().Delete(ctx, name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting CSR %s: %w", name, err)
	}
	return nil
}
