package access

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"

	"k8s.io/client-go/rest"

	"rbac-e2e/e2e/framework/secrets"
)

// ClientCertificate is a credential that presents an x509 client
// certificate in the TLS handshake: rest.Config's CertData/KeyData on
// client-go, a transport of the subject's own on the HTTP channel. The
// certificate is public and named by its SHA-256; the key is secret and is
// tracked for the leak scan.
func ClientCertificate(certPEM, keyPEM []byte) (Credential, error) {
	secrets.Track(string(keyPEM))
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("client certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("client certificate: %w", err)
	}
	pair.Leaf = leaf
	return &clientCertificate{certPEM: certPEM, keyPEM: keyPEM, pair: pair}, nil
}

type clientCertificate struct {
	certPEM, keyPEM []byte
	pair            tls.Certificate
}

func (c *clientCertificate) ConfigureREST(cfg *rest.Config) {
	cfg.CertData, cfg.KeyData = c.certPEM, c.keyPEM
}

// ConfigureRequest adds nothing: the certificate goes in the handshake.
func (*clientCertificate) ConfigureRequest(*http.Request) {}

// ConfigureTLS presents the certificate whatever CAs the server says it
// accepts, as client-go does: tls.Config.Certificates alone would send none
// when the issuer is not among them, and a foreign-CA certificate would
// then be anonymous (403) instead of refused (401).
func (c *clientCertificate) ConfigureTLS(cfg *tls.Config) bool {
	pair := c.pair
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &pair, nil }
	return true
}

func (c *clientCertificate) Identity() string {
	return "certificate " + shortHash(c.pair.Leaf.Raw)
}

func (c *clientCertificate) CacheKey() string {
	return "certificate:" + fullHash(c.pair.Leaf.Raw, c.keyPEM)
}

// Certificate is the parsed client certificate.
func (c *clientCertificate) Certificate() *x509.Certificate { return c.pair.Leaf }
