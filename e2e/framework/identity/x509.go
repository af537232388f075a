package identity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"k8s.io/client-go/util/cert"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/secrets"
)

// NewClientKey is a fresh P-256 key and its PEM, tracked for the leak scan.
func NewClientKey() (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating a client key: %w", err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding a client key: %w", err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	secrets.Track(string(keyPEM))
	return key, keyPEM, nil
}

// CA is a certificate authority the suite can sign with: the cluster's own
// (its key read from the control-plane node) or one made up (NewCA).
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// ParseCA reads a CA certificate and its key (e.g. /etc/kubernetes/pki/ca.crt
// and ca.key); the key is tracked as a secret.
func ParseCA(certPEM, keyPEM []byte) (CA, error) {
	key, err := ParseSigningKey(keyPEM)
	if err != nil {
		return CA{}, fmt.Errorf("CA key: %w", err)
	}
	certs, err := cert.ParseCertsPEM(certPEM)
	if err != nil {
		return CA{}, fmt.Errorf("CA certificate: %w", err)
	}
	if !certs[0].IsCA {
		return CA{}, fmt.Errorf("CA certificate %q is no CA", certs[0].Subject.CommonName)
	}
	return CA{Cert: certs[0], Key: key}, nil
}

// NewCA is a self-signed CA that no cluster trusts: the foreign CA.
func NewCA(commonName string) (CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return CA{}, fmt.Errorf("generating a CA key: %w", err)
	}
	c, err := cert.NewSelfSignedCACert(cert.Config{CommonName: commonName}, key)
	if err != nil {
		return CA{}, fmt.Errorf("self-signing CA %q: %w", commonName, err)
	}
	return CA{Cert: c, Key: key}, nil
}

// SignClientCertificate issues, with the CA's key, a client certificate for
// user and groups (CN, O) valid from notBefore to notAfter, on a fresh key,
// and returns the subject authenticating with it. Signed by the cluster's
// CA with notAfter in the past it is an expired certificate the cluster
// itself could have issued; signed by NewCA's, a foreign one.
func (ca CA) SignClientCertificate(user string, groups []string, notBefore, notAfter time.Time) (access.Subject, error) {
	key, keyPEM, err := NewClientKey()
	if err != nil {
		return access.Subject{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return access.Subject{}, err
	}
	der, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: user, Organization: groups},
		NotBefore:    notBefore, NotAfter: notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		return access.Subject{}, fmt.Errorf("signing a client certificate for %q with CA %q: %w", user, ca.Cert.Subject.CommonName, err)
	}
	return access.CertificateSubject(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM)
}
