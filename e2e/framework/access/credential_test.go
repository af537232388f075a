package access_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/gomega/format"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/secrets"
)

// sighting is what a server saw of one request's authentication.
type sighting struct {
	Path, Authorization, ImpersonateUser string
	ImpersonateGroups                    []string
	ClientCert                           string // SHA-256 of the client certificate; "" when none was sent
}

// credentialServer records how each request authenticates. Like the
// apiserver it asks for a client certificate without requiring one, and
// names as acceptable a CA that signed none of the tests' certificates.
type credentialServer struct {
	mu   sync.Mutex
	seen []sighting
}

func (s *credentialServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g := sighting{Path: r.URL.Path, Authorization: r.Header.Get("Authorization"),
		ImpersonateUser: r.Header.Get("Impersonate-User"), ImpersonateGroups: r.Header.Values("Impersonate-Group")}
	if len(r.TLS.PeerCertificates) > 0 {
		g.ClientCert = certHash(r.TLS.PeerCertificates[0].Raw)
	}
	s.mu.Lock()
	s.seen = append(s.seen, g)
	s.mu.Unlock()
	if strings.HasSuffix(r.URL.Path, "/selfsubjectaccessreviews") {
		writeJSON(w, http.StatusCreated, `{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","status":{"allowed":true}}`)
		return
	}
	writeJSON(w, http.StatusOK, `{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[]}`)
}

func (s *credentialServer) take() []sighting {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

func newCredentialServer(t *testing.T) (*credentialServer, *access.Checker) {
	t.Helper()
	rec := &credentialServer{}
	srv := httptest.NewUnstartedServer(rec)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	other, _ := newCA(t, "acceptable-ca")
	pool := x509.NewCertPool()
	pool.AddCert(other)
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert, ClientCAs: pool}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c, err := access.NewCheckerFor(access.Connection{Host: srv.URL, CAData: caOf(srv)})
	if err != nil {
		t.Fatal(err)
	}
	return rec, c
}

func certHash(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

func newCA(t *testing.T, cn string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return ca, key
}

// clientCert is a client certificate for user and groups, signed by a CA of
// its own, as PEM certificate and key.
func clientCert(t *testing.T, user string, groups ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	ca, caKey := newCA(t, "client-ca")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: user, Organization: groups},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func certSubject(t *testing.T, user string, groups ...string) (access.Subject, []byte, []byte) {
	t.Helper()
	certPEM, keyPEM := clientCert(t, user, groups...)
	s, err := access.CertificateSubject(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return s, certPEM, keyPEM
}

func derOf(t *testing.T, certPEM []byte) []byte {
	t.Helper()
	b, _ := pem.Decode(certPEM)
	if b == nil {
		t.Fatal("no PEM certificate")
	}
	return b.Bytes
}

// Every kind of credential authenticates the same way through client-go
// and net/http: the same header, the same impersonation, the same client
// certificate (presented although the server names another CA as
// acceptable, as client-go does), and the access review carries it too.
func TestCredentialsConfigureBothChannelsAlike(t *testing.T) {
	rec, checker := newCredentialServer(t)
	cert, certPEM, _ := certSubject(t, "alice", "team-a", "team-b")
	certSum := certHash(derOf(t, certPEM))
	token := access.NewSubject("bob", "token-of-bob-0123456789")
	ns := access.On("list", "", "v1", "namespaces")
	for _, tt := range []struct {
		name    string
		subject access.Subject
		want    sighting
	}{
		{"bearer token", token, sighting{Authorization: "Bearer token-of-bob-0123456789"}},
		{"impersonation on a token", token.Impersonating("carol", "g1", "g2"),
			sighting{Authorization: "Bearer token-of-bob-0123456789", ImpersonateUser: "carol", ImpersonateGroups: []string{"g1", "g2"}}},
		{"client certificate", cert, sighting{ClientCert: certSum}},
		{"impersonation on a client certificate", cert.Impersonating("dave"), sighting{ClientCert: certSum, ImpersonateUser: "dave"}},
		{"anonymous", access.Anonymous(), sighting{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec.take()
			for _, ch := range []access.Channel{checker.ClientGo, checker.HTTP} {
				if o := ch.Do(context.Background(), tt.subject, ns); o.Code != http.StatusOK {
					t.Fatalf("%s: %s", ch.Name(), o)
				}
			}
			if err := checker.Check(context.Background(), tt.subject, ns, access.Allowed()); err != nil {
				t.Fatal(err)
			}
			seen := rec.take()
			wantPaths := []string{"/api/v1/namespaces", "/api/v1/namespaces", "/api/v1/namespaces", "/api/v1/namespaces"}
			if tt.subject.HasCredentials() {
				wantPaths = append(wantPaths, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
			}
			if len(seen) != len(wantPaths) {
				t.Fatalf("the server saw %d requests, want %d: %+v", len(seen), len(wantPaths), seen)
			}
			for i, g := range seen {
				want := tt.want
				want.Path = wantPaths[i]
				if fmt.Sprint(g) != fmt.Sprint(want) {
					t.Errorf("request %d (channels client-go, http, then Check's client-go, http, review):\n got %+v\nwant %+v", i, g, want)
				}
			}
		})
	}
}

// Each certificate subject presents its own certificate on the HTTP
// channel, request after request: the transports are per credential.
func TestClientCertificatesGetTransportsOfTheirOwn(t *testing.T) {
	rec, checker := newCredentialServer(t)
	a, aPEM, _ := certSubject(t, "a")
	b, bPEM, _ := certSubject(t, "b")
	ns := access.On("list", "", "v1", "namespaces")
	for _, s := range []access.Subject{a, b, a, b} {
		if o := checker.HTTP.Do(context.Background(), s, ns); o.Code != http.StatusOK {
			t.Fatal(o)
		}
	}
	want := []string{certHash(derOf(t, aPEM)), certHash(derOf(t, bPEM)), certHash(derOf(t, aPEM)), certHash(derOf(t, bPEM))}
	for i, g := range rec.take() {
		if g.ClientCert != want[i] {
			t.Errorf("request %d presented certificate %q, want %q", i, g.ClientCert, want[i])
		}
	}
}

func TestCacheKeysDiffer(t *testing.T) {
	c1, _, _ := certSubject(t, "u")
	c2, _, _ := certSubject(t, "u")
	tokA, tokB := access.BearerToken("token-a"), access.BearerToken("token-b")
	creds := map[string]access.Credential{
		"token a":                           tokA,
		"token b":                           tokB,
		"certificate 1":                     c1.Credential(),
		"certificate 2 (same user)":         c2.Credential(),
		"token a as u":                      access.Impersonate(tokA, access.Impersonation{User: "u"}),
		"token a as u in g":                 access.Impersonate(tokA, access.Impersonation{User: "u", Groups: []string{"g"}}),
		"token a as v":                      access.Impersonate(tokA, access.Impersonation{User: "v"}),
		"token b as u":                      access.Impersonate(tokB, access.Impersonation{User: "u"}),
		"certificate 1 as u":                access.Impersonate(c1.Credential(), access.Impersonation{User: "u"}),
		"no credentials as u":               access.Impersonate(nil, access.Impersonation{User: "u"}),
		"token a as u in g and h":           access.Impersonate(tokA, access.Impersonation{User: "u", Groups: []string{"g", "h"}}),
		"token a as u in the group g\\x00h": access.Impersonate(tokA, access.Impersonation{User: "u", Groups: []string{"g\x00h"}}),
	}
	byKey := map[string]string{}
	for name, c := range creds {
		if other, ok := byKey[c.CacheKey()]; ok {
			t.Errorf("%s and %s share a cache key", name, other)
		}
		byKey[c.CacheKey()] = name
		if strings.Contains(c.CacheKey(), "token-a") || strings.Contains(c.CacheKey(), "token-b") {
			t.Errorf("the cache key of %s holds the token itself", name)
		}
	}
	if access.BearerToken("token-a").CacheKey() != tokA.CacheKey() {
		t.Error("the same token has two cache keys")
	}
}

// No way of printing a subject shows its token or its private key; a
// certificate subject is named by the SHA-256 of its certificate, and its
// key is tracked for the leak scan.
func TestSubjectsNeverPrintSecrets(t *testing.T) {
	const token = "eyJhbGciOiJSUzI1NiJ9.secret-claims-0123456789.signature-0123456789"
	cert, certPEM, keyPEM := certSubject(t, "alice", "team-a")
	tok := access.NewSubject("bob", token)
	keyLines := []string{}
	for _, l := range strings.Split(string(keyPEM), "\n") {
		if l != "" && !strings.HasPrefix(l, "-----") {
			keyLines = append(keyLines, l)
		}
	}
	for name, s := range map[string]access.Subject{
		"token": tok, "token impersonating": tok.Impersonating("x", "g"),
		"certificate": cert, "certificate impersonating": cert.Impersonating("x"),
	} {
		for _, printed := range []string{
			s.String(), fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), s.GomegaString(), format.Object(s, 0),
			fmt.Sprintf("%v", []access.Subject{s}), fmt.Sprintf("%+v", struct{ S access.Subject }{s}),
		} {
			for _, secret := range append([]string{token, "secret-claims", "signature-0123456789"}, keyLines...) {
				if strings.Contains(printed, secret) {
					t.Errorf("%s: %q shows a secret", name, printed)
				}
			}
		}
	}
	want := "alice (certificate sha256:" + certHash(derOf(t, certPEM))[:12] + ")"
	if cert.String() != want {
		t.Errorf("String() = %q, want %q", cert.String(), want)
	}
	if got := cert.Impersonating("x").String(); got != want+" impersonating x" {
		t.Errorf("String() impersonating = %q", got)
	}
	if got, _ := cert.ClientCertificate(); got == nil || got.Subject.CommonName != "alice" {
		t.Errorf("ClientCertificate() = %v", got)
	}
	for name, s := range map[string]access.Subject{
		"anonymous": access.Anonymous(), "an empty token": access.NewSubject("u", ""), "anonymous impersonating": access.Anonymous().Impersonating("x"),
	} {
		if s.HasCredentials() {
			t.Errorf("%s has credentials", name)
		}
	}
	if cert.BearerToken() != "" || cert.TokenHash() != "none" || !cert.HasCredentials() {
		t.Errorf("a certificate subject: BearerToken %q, TokenHash %q, HasCredentials %t", cert.BearerToken(), cert.TokenHash(), cert.HasCredentials())
	}
	tracked := secrets.Tracked()
	for _, l := range keyLines {
		if m, ok := tracked[secrets.Hash([]byte(l))]; len(l) >= secrets.MinCandidate && (!ok || m.Part != secrets.PartKeyLine) {
			t.Errorf("key line %d… is not tracked", len(l))
		}
	}
}

func TestCertificateSubjectRejectsMismatchedKey(t *testing.T) {
	certPEM, _ := clientCert(t, "a")
	_, otherKey := clientCert(t, "b")
	if _, err := access.CertificateSubject(certPEM, otherKey); err == nil {
		t.Error("a certificate with another certificate's key was accepted")
	}
}
