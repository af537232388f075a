package identity_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"rbac-e2e/e2e/framework/identity"
)

var csrResource = certificatesv1.SchemeGroupVersion.WithResource("certificatesigningrequests")

// fakeSigner makes a fake clientset act like kube-controller-manager's
// signer: once a CSR is approved it signs the request with ca (or, with
// deny, answers Denied). It remembers the CSR as approved.
func fakeSigner(t *testing.T, ca identity.CA, deny bool) (*fake.Clientset, **certificatesv1.CertificateSigningRequest) {
	t.Helper()
	client := fake.NewClientset()
	approved := new(*certificatesv1.CertificateSigningRequest)
	client.PrependReactor("update", "certificatesigningrequests", func(a k8stesting.Action) (bool, runtime.Object, error) {
		u := a.(k8stesting.UpdateAction)
		if u.GetSubresource() != "approval" {
			return false, nil, nil
		}
		csr := u.GetObject().(*certificatesv1.CertificateSigningRequest).DeepCopy()
		*approved = csr.DeepCopy()
		if deny {
			csr.Status.Conditions = append(csr.Status.Conditions, certificatesv1.CertificateSigningRequestCondition{
				Type: certificatesv1.CertificateDenied, Status: corev1.ConditionTrue, Reason: "NotToday", Message: "no"})
		} else {
			csr.Status.Certificate = signCSR(t, ca, csr)
		}
		return true, csr, client.Tracker().Update(csrResource, csr, "")
	})
	return client, approved
}

func signCSR(t *testing.T, ca identity.CA, csr *certificatesv1.CertificateSigningRequest) []byte {
	t.Helper()
	b, _ := pem.Decode(csr.Spec.Request)
	req, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: bigOne, Subject: req.Subject,
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Duration(*csr.Spec.ExpirationSeconds) * time.Second),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(randReader, tmpl, ca.Cert, req.PublicKey, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestClientCertificateFor(t *testing.T) {
	ca, err := identity.NewCA("cluster-ca")
	if err != nil {
		t.Fatal(err)
	}
	client, approved := fakeSigner(t, ca, false)
	labels := map[string]string{"app.kubernetes.io/managed-by": "rbac-e2e"}
	name := identity.CSRName("Alice@Example.com")
	s, err := identity.ClientCertificateFor(context.Background(), client, identity.CertificateRequest{
		Name: name, User: "alice@example.com", Groups: []string{"team-a", "team-b"}, Labels: labels,
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.User != "alice@example.com" || !strings.HasPrefix(s.String(), "alice@example.com (certificate sha256:") {
		t.Errorf("subject %s", s)
	}
	cert, ok := s.ClientCertificate()
	if !ok || !slices.Equal(cert.Subject.Organization, []string{"team-a", "team-b"}) {
		t.Errorf("certificate organizations %v", cert.Subject.Organization)
	}
	csr, err := client.CertificatesV1().CertificateSigningRequests().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec := csr.Spec
	if spec.SignerName != "kubernetes.io/kube-apiserver-client" || !slices.Equal(spec.Usages, []certificatesv1.KeyUsage{"client auth"}) ||
		spec.ExpirationSeconds == nil || *spec.ExpirationSeconds != 3600 || csr.Labels["app.kubernetes.io/managed-by"] != "rbac-e2e" {
		t.Errorf("CSR spec %+v labels %v", spec, csr.Labels)
	}
	b, _ := pem.Decode(spec.Request)
	req, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil || req.Subject.CommonName != "alice@example.com" || !slices.Equal(req.Subject.Organization, []string{"team-a", "team-b"}) {
		t.Errorf("CSR request subject %v (%v)", req.Subject, err)
	}
	if *approved == nil || !hasApproved((*approved).Status.Conditions) {
		t.Error("the CSR was not approved with an Approved=True condition")
	}
}

func hasApproved(cs []certificatesv1.CertificateSigningRequestCondition) bool {
	for _, c := range cs {
		if c.Type == certificatesv1.CertificateApproved && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func TestClientCertificateForFailures(t *testing.T) {
	ca, err := identity.NewCA("cluster-ca")
	if err != nil {
		t.Fatal(err)
	}
	denying, _ := fakeSigner(t, ca, true)
	for _, tt := range []struct {
		name string
		req  identity.CertificateRequest
		want string
	}{
		{"denied", identity.CertificateRequest{Name: "d", User: "u"}, `client certificate for user "u" groups [] (CSR d): the CSR was Denied: NotToday: no`},
		{"no name", identity.CertificateRequest{User: "u"}, "a CSR name and a user are required"},
		{"too short", identity.CertificateRequest{Name: "s", User: "u", Lifetime: 599 * time.Second}, "lifetime 9m59s is below the API's minimum 10m0s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := identity.ClientCertificateFor(context.Background(), denying, tt.req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	t.Run("no signer", func(t *testing.T) {
		start := time.Now()
		_, err := identity.ClientCertificateFor(context.Background(), fake.NewClientset(), identity.CertificateRequest{Name: "n", User: "u", Timeout: 500 * time.Millisecond})
		want := "no certificate within 500ms (conditions Approved=True (RBACE2EApproved)): does the cluster run a signer for kubernetes.io/kube-apiserver-client"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("took %s, bound 500ms", took)
		}
	})
}

func TestCSRName(t *testing.T) {
	for _, user := range []string{"alice", "system:node:x", "Alice@Example.com", strings.Repeat("x", 300), "--"} {
		n := identity.CSRName(user)
		if errs := validation.IsDNS1123Subdomain(n); len(errs) > 0 {
			t.Errorf("CSRName(%q) = %q: %v", user, n, errs)
		}
		if n == identity.CSRName(user) {
			t.Errorf("CSRName(%q) is not unique", user)
		}
	}
}
