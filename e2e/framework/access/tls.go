package access

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
)

// TLSRefused expects no HTTP response at all: the client refuses the
// server's certificate during the TLS handshake (it trusts another CA), so
// no request, and no access review, ever reaches the apiserver.
func TLSRefused() Expectation { return Expectation{tlsRefused: true} }

const tlsRefusedText = "no response: TLS handshake fails on the server certificate"

// refusedCertificate tells an outcome whose handshake failed because the
// server's certificate was not trusted, from any other transport error.
func refusedCertificate(o Outcome) bool {
	if o.Code != 0 || o.Err == nil {
		return false
	}
	var verify *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	if errors.As(o.Err, &verify) || errors.As(o.Err, &unknown) {
		return true
	}
	// client-go may flatten the error chain into text.
	return strings.Contains(o.Err.Error(), "x509: certificate signed by unknown authority")
}
