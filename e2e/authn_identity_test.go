package e2e

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/cert"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
)

var _ = Describe("ServiceAccount authentication: who you are", Label("authn"), func() {
	f := framework.New("authn", environment)
	listNamespaces := access.On("list", "", "v1", "namespaces")

	// AUTHN-1: a TokenRequest token authenticates as its ServiceAccount.
	// Discovery answers 200 with an APIVersions body on both channels; the
	// token's holder (SelfSubjectReview, both channels) and the admin
	// (TokenReview) learn the same user and its ServiceAccount groups.
	It("AUTHN-1: a ServiceAccount token authenticates as system:serviceaccount:NS:NAME", Label("AUTHN-1"), func(ctx SpecContext) {
		sa, token := f.TokenForNew(ctx, "reader")
		f.ExpectAccess(ctx, token, access.Get("/api"), access.Status(200))
		for channel, body := range bodies(ctx, f, token, access.Get("/api")) {
			what := fmt.Sprintf("%s: GET /api as %s: body", channel, token)
			var v metav1.APIVersions
			Expect(json.Unmarshal(body, &v)).To(Succeed(), what)
			Expect(v.Kind).To(Equal("APIVersions"), what)
			Expect(v.Versions).To(ContainElement("v1"), what)
		}

		groups := []string{"system:serviceaccounts", "system:serviceaccounts:" + f.Namespace, "system:authenticated"}
		f.ExpectAccess(ctx, token, identity.WhoAmI(), access.Status(201))
		for channel, body := range bodies(ctx, f, token, identity.WhoAmI()) {
			what := fmt.Sprintf("%s: SelfSubjectReview as %s", channel, token)
			user, err := identity.WhoAmIAnswer(body)
			Expect(err).NotTo(HaveOccurred(), what)
			Expect(user.Username).To(Equal(token.User), "%s: username", what)
			Expect(user.Groups).To(ContainElements(groups), "%s: groups", what)
		}
		review, err := identity.ReviewToken(ctx, f.Admin, token)
		Expect(err).NotTo(HaveOccurred())
		Expect(review.Authenticated).To(BeTrue(), "TokenReview of %s: %s", token, review.Error)
		Expect(review.User).To(SatisfyAll(
			HaveField("Username", identity.ServiceAccountUser(f.Namespace, "reader")),
			HaveField("UID", string(sa.UID)),
			HaveField("Groups", ContainElements(groups)),
		), "TokenReview of %s: user", token)
	})

	// AUTHN-2: a bad token is refused with 401 and a Status of reason
	// Unauthorized: it never falls back to anonymous (which would be 403).
	// Bad means malformed, signed by a foreign key, for another audience, or
	// of a ServiceAccount deleted since. No token at all is system:anonymous
	// (RBAC forbids it listing namespaces: 403) where anonymous authentication
	// applies to that path, as kubeadm's default does, and 401 where it is off
	// or limited to health endpoints: the apiserver's own configuration says
	// which (expectNoCredentials).
	It("AUTHN-2: bad credentials are refused with 401; no credentials are anonymous", Label("AUTHN-2"), func(ctx SpecContext) {
		_, good := f.TokenForNew(ctx, "victim")
		user := good.User
		foreignKey, err := rsa.GenerateKey(rand.Reader, 2048)
		Expect(err).NotTo(HaveOccurred())
		forged := resigned(good, foreignKey, 0)
		elsewhere := f.TokenFor(ctx, "victim", identity.WithAudiences("https://not-this-cluster.example"))
		_, orphan := f.TokenForNew(ctx, "doomed")
		// Good until its ServiceAccount goes, proven beside the apiserver's
		// cache of successful authentications: a request here would let that
		// cache answer for up to 10 s after the deletion.
		f.ExpectTokenAccepted(ctx, orphan)
		Expect(f.Admin.CoreV1().ServiceAccounts(f.Namespace).Delete(ctx, "doomed", metav1.DeleteOptions{})).To(Succeed())

		By("a malformed token")
		f.ExpectAccess(ctx, access.NewSubject(user, "not-a-jwt"), listNamespaces, access.Unauthorized())
		By("a token with the cluster's claims signed by a foreign key")
		f.ExpectAccess(ctx, access.NewSubject(user, forged), listNamespaces, access.Unauthorized())
		By("a token for another audience")
		f.ExpectAccess(ctx, elsewhere, listNamespaces, access.Unauthorized())
		By("a token of a deleted ServiceAccount")
		f.EventuallyAccess(ctx, f.Timeouts.Revocation, orphan, listNamespaces, access.Unauthorized())
		By("no token at all")
		expectNoCredentials(ctx, f, listNamespaces)
	})

	// AUTHN-3: the suite verifies TLS and never skips it. The kubeconfig's
	// CA is the cluster's: on kind it equals the control-plane node's own
	// /etc/kubernetes/pki/ca.crt (read from the node, not through the API);
	// on an existing cluster, where no node is in reach, it equals the
	// kube-root-ca.crt ConfigMap, and the report says so. ca.crt of a token
	// Secret and that ConfigMap hold the same CA, and each source alone is
	// enough to trust the apiserver; a client trusting a foreign CA fails the
	// handshake on both channels before any request is sent.
	It("AUTHN-3: TLS is verified against the cluster CA, never skipped", Label("AUTHN-3"), func(ctx SpecContext) {
		f.CreateServiceAccount(ctx, "tls")
		secret, token := f.CreateTokenSecret(ctx, "tls")
		host, kubeconfigCA := f.Env.AdminConfig.Host, f.Env.AdminConfig.CAData
		cas := map[string][]byte{
			"ca.crt of a token Secret":       secret.Data["ca.crt"],
			"the kube-root-ca.crt ConfigMap": []byte(rootCAConfigMap(ctx, f)),
		}
		if c := f.Env.Cluster; c != nil {
			nodeCA, err := c.ReadControlPlaneFile("/etc/kubernetes/pki/ca.crt")
			Expect(err).NotTo(HaveOccurred(), "reading the cluster CA on the control-plane node")
			cas["the control-plane node's /etc/kubernetes/pki/ca.crt"] = nodeCA
		} else {
			AddReportEntry("AUTHN-3: node out of reach", "no kind node in reach on an existing cluster: the kubeconfig's CA is compared "+
				"with the kube-root-ca.crt ConfigMap and a token Secret's ca.crt only, both published through the API, not read from a node")
		}
		want := fingerprints(kubeconfigCA)
		for source, ca := range cas {
			Expect(fingerprints(ca)).To(Equal(want), "the CA from %s against the kubeconfig's", source)
			expectAccessVia(ctx, checkerTrusting(f, host, ca), "trusting only the CA from "+source,
				token, access.Get("/api"), access.Status(200))
		}
		expectAccessVia(ctx, checkerTrusting(f, host, foreignCA()), "trusting only a foreign CA",
			token, access.Get("/api"), access.TLSRefused())
	})
})

// bodies makes a request that must succeed and returns each channel's body.
func bodies(ctx context.Context, f *framework.Framework, s access.Subject, r access.Request) map[string][]byte {
	GinkgoHelper()
	b, err := f.Checker.Bodies(ctx, s, r)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// resigned is a subject's token with its claims signed again by key (moved
// back in time by backDate), as the same user.
func resigned(s access.Subject, key crypto.Signer, backDate time.Duration) string {
	GinkgoHelper()
	tok, err := identity.ParseToken(s.BearerToken())
	Expect(err).NotTo(HaveOccurred())
	tok, err = tok.BackDated(backDate)
	Expect(err).NotTo(HaveOccurred())
	signed, err := tok.SignedWith(key)
	Expect(err).NotTo(HaveOccurred())
	return signed
}

// rootCAConfigMap waits for the kube-root-ca.crt ConfigMap the root CA
// publisher puts into every namespace, and returns its CA.
func rootCAConfigMap(ctx context.Context, f *framework.Framework) string {
	GinkgoHelper()
	var ca string
	Eventually(ctx, func(ctx context.Context) error {
		cm, err := f.Admin.CoreV1().ConfigMaps(f.Namespace).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		if err == nil {
			ca = cm.Data["ca.crt"]
		}
		return err
	}).WithTimeout(f.Timeouts.Controller).WithPolling(f.Timeouts.Poll).Should(Succeed())
	return ca
}

// fingerprints name the certificates of a PEM bundle by subject and
// SHA-256, in order: equal fingerprints are equal certificates, and a
// failure shows which differ without dumping them.
func fingerprints(pemData []byte) []string {
	GinkgoHelper()
	certs, err := cert.ParseCertsPEM(pemData)
	Expect(err).NotTo(HaveOccurred(), "PEM certificates")
	var out []string
	for _, c := range certs {
		sum := sha256.Sum256(c.Raw)
		out = append(out, fmt.Sprintf("%q sha256:%x", c.Subject.CommonName, sum))
	}
	return out
}

// checkerTrusting connects as the admin kubeconfig says (tls-server-name,
// proxy) but to host, trusting caPEM alone.
func checkerTrusting(f *framework.Framework, host string, caPEM []byte) *access.Checker {
	GinkgoHelper()
	conn := access.ConnectionOf(f.Env.AdminConfig)
	conn.Host, conn.CAData = host, caPEM
	c, err := access.NewCheckerFor(conn)
	Expect(err).NotTo(HaveOccurred())
	return c
}

// expectAccessVia is ExpectAccess through a checker other than the spec's.
func expectAccessVia(ctx context.Context, c *access.Checker, via string, s access.Subject, r access.Request, e access.Expectation) {
	GinkgoHelper()
	if err := c.Check(ctx, s, r, e); err != nil {
		Fail(via + ": " + err.Error())
	}
}

// foreignCA is a self-signed CA certificate that signed nothing of the cluster's.
func foreignCA() []byte {
	GinkgoHelper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	ca, err := cert.NewSelfSignedCACert(cert.Config{CommonName: "rbac-e2e-foreign-ca"}, key)
	Expect(err).NotTo(HaveOccurred())
	pemData, err := cert.EncodeCertificates(ca)
	Expect(err).NotTo(HaveOccurred())
	return pemData
}
