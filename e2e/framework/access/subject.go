package access

import (
	"crypto/x509"
	"fmt"
)

// Subject is who makes a request: the user it should authenticate as and
// the Credential its requests carry (nil: none, anonymous). Printing a
// Subject never prints a secret: a token or a certificate's key shows as a
// short hash (see Credential.Identity).
type Subject struct {
	User string // the username the credential should authenticate as; "" for anonymous
	cred Credential
}

// NewSubject names the user a bearer token belongs to.
func NewSubject(user, token string) Subject { return Subject{User: user, cred: bearerToken(token)} }

// SubjectWith names the user a credential of any kind authenticates as.
func SubjectWith(user string, c Credential) Subject { return Subject{User: user, cred: c} }

// CertificateSubject is the user of a client certificate: its CommonName
// (the apiserver's user; its Organizations are the groups).
func CertificateSubject(certPEM, keyPEM []byte) (Subject, error) {
	c, err := ClientCertificate(certPEM, keyPEM)
	if err != nil {
		return Subject{}, err
	}
	return Subject{User: c.(*clientCertificate).pair.Leaf.Subject.CommonName, cred: c}, nil
}

// Anonymous is a subject with no credentials at all.
func Anonymous() Subject { return Subject{User: "system:anonymous"} }

// Credential is how the subject's requests authenticate; nil for anonymous.
func (s Subject) Credential() Credential { return s.cred }

// HasCredentials tells whether the subject's requests authenticate with
// anything (impersonation alone is no credential).
func (s Subject) HasCredentials() bool {
	switch b := s.base().(type) {
	case nil:
		return false
	case bearerToken:
		return b != ""
	}
	return true
}

// BearerToken is the raw token, "" when the subject authenticates otherwise
// (it looks through impersonation); never log it.
func (s Subject) BearerToken() string {
	t, _ := s.base().(bearerToken)
	return string(t)
}

// TokenHash identifies the token in logs: the first 12 hex digits of its
// SHA-256; "none" without a token.
func (s Subject) TokenHash() string {
	if t := s.BearerToken(); t != "" {
		return shortHash([]byte(t))
	}
	return "none"
}

// ClientCertificate is the subject's client certificate, if it has one
// (looking through impersonation).
func (s Subject) ClientCertificate() (*x509.Certificate, bool) {
	c, ok := s.base().(*clientCertificate)
	if !ok {
		return nil, false
	}
	return c.Certificate(), true
}

// Impersonating is the subject, with its own credential, acting as another
// user (and groups).
func (s Subject) Impersonating(user string, groups ...string) Subject {
	s.cred = Impersonate(s.base(), Impersonation{User: user, Groups: groups})
	return s
}

// Impersonated tells whom the subject impersonates, if anyone.
func (s Subject) Impersonated() (Impersonation, bool) {
	if i, ok := s.cred.(impersonated); ok {
		return i.as, true
	}
	return Impersonation{}, false
}

// base is the credential that authenticates, under any impersonation.
func (s Subject) base() Credential {
	if i, ok := s.cred.(impersonated); ok {
		return i.on
	}
	return s.cred
}

// cacheKey tells the channels' clients apart.
func (s Subject) cacheKey() string {
	if s.cred == nil {
		return ""
	}
	return s.cred.CacheKey()
}

func (s Subject) String() string {
	id, suffix := "token none", ""
	if b := s.base(); b != nil {
		id = b.Identity()
	}
	if i, ok := s.cred.(impersonated); ok {
		suffix = i.text()
	}
	return fmt.Sprintf("%s (%s)%s", s.User, id, suffix)
}

// GoString keeps %#v from printing the unexported credential.
func (s Subject) GoString() string { return "access.Subject{" + s.String() + "}" }

// GomegaString keeps a failing matcher from printing the unexported credential.
func (s Subject) GomegaString() string { return s.String() }
