package identity_test

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"

	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/secrets"
)

var bigOne, randReader = big.NewInt(1), rand.Reader

// An expired certificate is one the CA signed, valid only in the past; a
// foreign CA's is one no other CA verifies.
func TestSignClientCertificate(t *testing.T) {
	ca, err := identity.NewCA("ca")
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := identity.NewCA("foreign")
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
	s, err := ca.SignClientCertificate("bob", []string{"g1", "g2"}, from, to)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := s.ClientCertificate()
	if s.User != "bob" || !slices.Equal(c.Subject.Organization, []string{"g1", "g2"}) || !c.NotAfter.Before(time.Now()) {
		t.Errorf("certificate %v, valid until %s", c.Subject, c.NotAfter)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	opts := x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if _, err := c.Verify(opts); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("verifying now: %v, want expired", err)
	}
	if err := c.CheckSignatureFrom(ca.Cert); err != nil {
		t.Errorf("the CA's signature: %v", err)
	}
	f, err := foreign.SignClientCertificate("bob", nil, from, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	fc, _ := f.ClientCertificate()
	if _, err := fc.Verify(opts); err == nil {
		t.Error("the foreign CA's certificate verifies against the other CA")
	}
}

// The cluster CA's key (read from the node) and every client key are
// tracked for the leak scan; the parsed CA signs.
func TestParseCAAndKeysAreTracked(t *testing.T) {
	made, err := identity.NewCA("cluster")
	if err != nil {
		t.Fatal(err)
	}
	certPEM, err := cert.EncodeCertificates(made.Cert)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := keyutil.MarshalPrivateKeyToPEM(made.Key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := identity.ParseCA(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	_, clientKey, err := identity.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	tracked := secrets.Tracked()
	for name, k := range map[string][]byte{"CA key": keyPEM, "client key": clientKey} {
		b, _ := pem.Decode(k)
		if b == nil {
			t.Fatal("no PEM")
		}
		for _, l := range strings.Split(string(k), "\n") {
			if len(l) >= secrets.MinCandidate && !strings.HasPrefix(l, "-----") {
				if _, ok := tracked[secrets.Hash([]byte(l))]; !ok {
					t.Errorf("a line of the %s is not tracked", name)
				}
			}
		}
	}
	if _, err := ca.SignClientCertificate("u", nil, time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Error(err)
	}
	if _, err := identity.ParseCA(certPEM, []byte("not a key")); err == nil {
		t.Error("a CA without a key parsed")
	}
}
