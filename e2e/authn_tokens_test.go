package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/suite"
)

// Tokens are valid until exp plus this leeway (the apiserver's JWT validation).
const expiryLeeway = 60 * time.Second

var _ = Describe("ServiceAccount tokens: lifetime and expiry", Label("authn"), func() {
	f := framework.New("authn", environment)

	// AUTHN-4: kubectl create token is a TokenRequest: POST
	// …/serviceaccounts/NAME/token answers 201 to a subject allowed to create
	// serviceaccounts/token. The token lives 3600 s unless expirationSeconds
	// says otherwise (exp − iat and status.expirationTimestamp follow it),
	// less than 600 s is invalid, and the claims name the ServiceAccount with
	// its UID. iss is the issuer /.well-known/openid-configuration publishes
	// (the apiserver's first --service-account-issuer); aud is exactly the
	// audiences asked for, or with none asked the apiserver's own, read from
	// its command line (--api-audiences, else every
	// --service-account-issuer), and the answer's spec.audiences says the same.
	It("AUTHN-4: TokenRequest issues tokens of the asked lifetime, audiences and the ServiceAccount's claims", Label("AUTHN-4"), func(ctx SpecContext) {
		target := f.CreateServiceAccount(ctx, "target")
		_, issuer := f.TokenForNew(ctx, "issuer")
		tokenCreator := f.CreateClusterRole(ctx, "token-creator", rbacv1.PolicyRule{
			APIGroups: []string{""}, Resources: []string{"serviceaccounts/token"}, Verbs: []string{"create"},
		})
		f.BindInNamespace(ctx, f.Namespace, framework.ClusterRoleRef(tokenCreator), framework.ServiceAccountSubject(f.Namespace, "issuer"))
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, issuer, tokenRequest(f.Namespace, "target", 0), access.Status(201))
		iss := clusterIssuer(ctx, f)
		defaultAudiences := apiServerAudiences(ctx, f, iss)

		asked := []string{"https://vault.example.com", "rbac-e2e-audience"}
		for _, want := range []struct {
			asked, lifetime int64
			audiences       []string
		}{{0, 3600, nil}, {600, 600, nil}, {7200, 7200, nil}, {0, 3600, asked}} {
			audiences := want.audiences
			if audiences == nil {
				audiences = defaultAudiences
			}
			By(fmt.Sprintf("expirationSeconds %d, audiences %q: a token for %d s, aud %q", want.asked, want.audiences, want.lifetime, audiences))
			r := tokenRequest(f.Namespace, "target", want.asked, want.audiences...)
			f.ExpectAccess(ctx, issuer, r, access.Status(201))
			for channel, body := range bodies(ctx, f, issuer, r) {
				expectIssuedToken(fmt.Sprintf("%s: %s as %s", channel, r, issuer), body, issuedToken{
					issuer: iss, sa: target, lifetime: time.Duration(want.lifetime) * time.Second, audiences: audiences,
				})
			}
		}

		By("expirationSeconds 599: invalid")
		// The apiserver names no object in this message: the "" is its own.
		f.ExpectAccess(ctx, issuer, tokenRequest(f.Namespace, "target", 599), access.Expectation{
			Code: 422, Reason: metav1.StatusReasonInvalid,
			Message: `TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes`,
		})
	})

	// AUTHN-5 (fast tier): the apiserver refuses an expired token. The
	// cluster's own claims re-signed with the cluster's signing key are
	// accepted (the control: the re-signing itself is sound); the same claims
	// moved back in time past exp and the leeway are refused.
	It("AUTHN-5: a token re-signed with the cluster's key is accepted, back-dated past expiry it is refused", Label("AUTHN-5"), func(ctx SpecContext) {
		if f.Env.Cluster == nil {
			reason := "AUTHN-5 fast tier: the cluster's ServiceAccount signing key is out of reach on an existing cluster; the slow tier (label slow) covers expiry with a real token"
			AddReportEntry("AUTHN-5 fast tier skipped", reason)
			Skip(reason)
		}
		keyPEM, err := f.Env.Cluster.ReadControlPlaneFile("/etc/kubernetes/pki/sa.key")
		Expect(err).NotTo(HaveOccurred())
		clusterKey, err := identity.ParseSigningKey(keyPEM)
		Expect(err).NotTo(HaveOccurred())
		_, token := f.TokenForNew(ctx, "expiring")
		tok, err := identity.ParseToken(token.BearerToken())
		Expect(err).NotTo(HaveOccurred())

		same := access.NewSubject(token.User, resigned(token, clusterKey, 0))
		f.ExpectAccess(ctx, same, access.Get("/api"), access.Status(200))

		pastExpiry := time.Until(tok.Claims.Expiry.Time()) + expiryLeeway + time.Minute
		expired := access.NewSubject(token.User, resigned(token, clusterKey, pastExpiry))
		f.ExpectAccess(ctx, expired, access.Get("/api"), access.Unauthorized())
	})

	// AUTHN-5 (slow tier): a real 600 s token works now, and is refused once
	// exp, the leeway and the apiserver's token cache have passed, not before
	// exp + leeway.
	// Its own progress line each minute stands in for Ginkgo's progress
	// reports (held off until the spec is nearly out of time).
	It("AUTHN-5: a real 600 s token is refused once it has expired", Label("AUTHN-5", "slow"), longSpecs(200), SpecTimeout(timeouts.Scaled(15*time.Minute)), PollProgressAfter(timeouts.Scaled(14*time.Minute)), func(ctx SpecContext) {
		_, token := f.TokenForNew(ctx, "short-lived", identity.WithExpiration(10*time.Minute))
		f.ExpectAccess(ctx, token, access.Get("/api"), access.Status(200))
		tok, err := identity.ParseToken(token.BearerToken())
		Expect(err).NotTo(HaveOccurred())
		exp := tok.Claims.Expiry.Time()

		bound := timeouts.Scaled(12 * time.Minute)
		refusable := exp.Add(expiryLeeway)
		By(fmt.Sprintf("waiting up to %s for 401 after exp %s + %s leeway + %s cache", bound, exp.Format(time.TimeOnly), expiryLeeway, suite.TokenCacheTTL))
		stop := framework.Progress(ctx, GinkgoWriter, time.Minute, time.Now().Add(bound), func(now time.Time) string {
			what := fmt.Sprintf("AUTHN-5 slow: a 401 for %v, which expires at %s", token, exp.Format(time.TimeOnly))
			if left := refusable.Sub(now); left > 0 {
				return fmt.Sprintf("%s; exp + %s leeway is in %s, then up to %s of the apiserver's token cache", what, expiryLeeway, left.Round(time.Second), suite.TokenCacheTTL)
			}
			return fmt.Sprintf("%s; exp + %s leeway passed %s ago, waiting out the apiserver's %s token cache", what, expiryLeeway, now.Sub(refusable).Round(time.Second), suite.TokenCacheTTL)
		})
		defer stop()
		Eventually(ctx, func(ctx context.Context) error {
			return f.Checker.Check(ctx, token, access.Get("/api"), access.Unauthorized())
		}).WithTimeout(bound).WithPolling(5 * time.Second).Should(Succeed())
		Expect(time.Now()).To(BeTemporally(">=", exp.Add(expiryLeeway)), "the token was refused before exp + leeway")
	})

	// AUTHN-7: modern clusters generate no token Secrets. The ServiceAccount
	// is judged as the controllers leave it, not as the create answered:
	// for a while after the create it stays as made (same resourceVersion)
	// and no token Secret appears for it; then a fresh GET lists no Secrets
	// and no token Secret names it. Only a Secret created explicitly gets a
	// token, and that one is long-lived (no exp claim).
	It("AUTHN-7: a new ServiceAccount gets no token Secret; an explicit one gets a long-lived token", Label("AUTHN-7"), func(ctx SpecContext) {
		made := f.CreateServiceAccount(ctx, "fresh")
		// A controller acts on a new ServiceAccount from its informer's add
		// event, within milliseconds on an idle cluster (the legacy token
		// controller of Kubernetes < 1.24 filled .secrets well under a
		// second after the create); 3 s is several times that, and keeps
		// the spec short.
		Consistently(ctx, func(ctx context.Context) error {
			return serviceAccountAsMade(ctx, f, made)
		}).WithTimeout(3*time.Second).WithPolling(f.Timeouts.Poll).Should(Succeed(), "the new ServiceAccount as the controllers leave it")
		sa, err := f.Admin.CoreV1().ServiceAccounts(f.Namespace).Get(ctx, "fresh", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(sa.Secrets).To(BeEmpty(), "secrets of ServiceAccount %s/fresh (resourceVersion %s)", f.Namespace, sa.ResourceVersion)
		Expect(tokenSecretsFor(ctx, f, "fresh")).To(BeEmpty(), "token Secrets naming ServiceAccount %s/fresh", f.Namespace)

		_, token := f.CreateTokenSecret(ctx, "fresh")
		tok, err := identity.ParseToken(token.BearerToken())
		Expect(err).NotTo(HaveOccurred())
		Expect(tok.Claims.Expiry).To(BeNil(), "exp claim of the explicit Secret's token")
		f.ExpectAccess(ctx, token, access.Get("/api"), access.Status(200))
	})
})

// issuedToken is what the answer to a TokenRequest must hold.
type issuedToken struct {
	issuer    string
	sa        *corev1.ServiceAccount
	lifetime  time.Duration
	audiences []string // nil: only the answer's own spec.audiences is known
}

// expectIssuedToken checks a TokenRequest answer: the token's lifetime, its
// expiry as the status reports it, and whom its claims name.
func expectIssuedToken(what string, body []byte, want issuedToken) {
	GinkgoHelper()
	var tr authenticationv1.TokenRequest
	Expect(json.Unmarshal(body, &tr)).To(Succeed(), what)
	tok, err := identity.ParseToken(tr.Status.Token)
	Expect(err).NotTo(HaveOccurred(), what)
	c := tok.Claims
	Expect(c.Lifetime()).To(Equal(want.lifetime), "%s: exp − iat", what)
	Expect(tr.Status.ExpirationTimestamp.Time).To(BeTemporally("==", c.Expiry.Time()), "%s: status.expirationTimestamp", what)
	Expect(c.Issuer).To(Equal(want.issuer), "%s: iss", what)
	Expect(c.Subject).To(Equal(identity.ServiceAccountUser(want.sa.Namespace, want.sa.Name)), "%s: sub", what)
	Expect([]string(c.Audience)).To(SatisfyAll(Not(BeEmpty()), Equal(tr.Spec.Audiences)), "%s: aud against the answer's spec.audiences", what)
	if want.audiences != nil {
		Expect([]string(c.Audience)).To(Equal(want.audiences), "%s: aud", what)
	}
	Expect(c.Kubernetes).To(HaveField("Namespace", want.sa.Namespace), "%s: kubernetes.io.namespace", what)
	Expect(c.Kubernetes.ServiceAccount).To(Equal(&identity.ObjectRef{Name: want.sa.Name, UID: string(want.sa.UID)}),
		"%s: kubernetes.io.serviceaccount", what)
}

// tokenRequest is a TokenRequest for a ServiceAccount as an access request:
// create on serviceaccounts/token. expirationSeconds 0 and no audiences
// leave the server's defaults.
func tokenRequest(namespace, sa string, expirationSeconds int64, audiences ...string) access.Request {
	GinkgoHelper()
	tr := authenticationv1.TokenRequest{
		TypeMeta:   metav1.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "TokenRequest"},
		ObjectMeta: metav1.ObjectMeta{Name: sa},
		Spec:       authenticationv1.TokenRequestSpec{Audiences: audiences},
	}
	if expirationSeconds > 0 {
		tr.Spec.ExpirationSeconds = &expirationSeconds
	}
	body, err := json.Marshal(tr)
	Expect(err).NotTo(HaveOccurred())
	return access.On("create", "", "v1", "serviceaccounts").In(namespace).Named(sa).Sub("token").WithBody(body)
}

// clusterIssuer is the ServiceAccount issuer the cluster publishes.
func clusterIssuer(ctx context.Context, f *framework.Framework) string {
	GinkgoHelper()
	raw, err := f.Admin.CoreV1().RESTClient().Get().AbsPath("/.well-known/openid-configuration").DoRaw(ctx)
	Expect(err).NotTo(HaveOccurred())
	var cfg struct {
		Issuer string `json:"issuer"`
	}
	Expect(json.Unmarshal(raw, &cfg)).To(Succeed())
	Expect(cfg.Issuer).NotTo(BeEmpty(), "issuer in /.well-known/openid-configuration")
	return cfg.Issuer
}

// apiServerAudiences are the audiences the apiserver gives a token no one
// asked audiences for, read from its own command line (the kube-system
// kube-apiserver Pod), an independent source from the tokens it issues. Its
// first --service-account-issuer must be the published issuer iss. nil,
// with the reason in the report, when no such Pod is visible (a managed
// control plane).
func apiServerAudiences(ctx context.Context, f *framework.Framework, iss string) []string {
	GinkgoHelper()
	pod, args, err := identity.APIServerCommand(ctx, f.Admin)
	if err != nil {
		note := fmt.Sprintf("AUTHN-4: the apiserver's flags are out of reach (%v): default audiences checked against the TokenRequest's answer only", err)
		AddReportEntry("AUTHN-4: apiserver flags out of reach", note)
		return nil
	}
	issuers := identity.FlagValues(args, "service-account-issuer")
	Expect(issuers).NotTo(BeEmpty(), "--service-account-issuer of kube-system/%s", pod)
	Expect(issuers[0]).To(Equal(iss), "the first --service-account-issuer of kube-system/%s against /.well-known/openid-configuration", pod)
	audiences, from, err := identity.APIServerAudiences(args)
	Expect(err).NotTo(HaveOccurred(), "kube-system/%s", pod)
	GinkgoWriter.Printf("AUTHN-4: default audiences %q, from %s of kube-system/%s\n", audiences, from, pod)
	return audiences
}

// serviceAccountAsMade is nil while a ServiceAccount is as its create left
// it (no controller wrote to it) and no token Secret names it.
func serviceAccountAsMade(ctx context.Context, f *framework.Framework, made *corev1.ServiceAccount) error {
	sa, err := f.Admin.CoreV1().ServiceAccounts(made.Namespace).Get(ctx, made.Name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if sa.ResourceVersion != made.ResourceVersion {
		var secrets []string
		for _, ref := range sa.Secrets {
			secrets = append(secrets, ref.Name)
		}
		return fmt.Errorf("ServiceAccount %s/%s changed after its create: resourceVersion %s → %s, secrets %q, written by %v",
			sa.Namespace, sa.Name, made.ResourceVersion, sa.ResourceVersion, secrets, managers(sa.ManagedFields))
	}
	names, err := tokenSecretsFor(ctx, f, made.Name)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		return fmt.Errorf("token Secrets for ServiceAccount %s/%s appeared: %v", sa.Namespace, sa.Name, names)
	}
	return nil
}

// managers name who wrote an object, from its managed fields.
func managers(fields []metav1.ManagedFieldsEntry) []string {
	var out []string
	for _, m := range fields {
		out = append(out, m.Manager+" ("+string(m.Operation)+")")
	}
	return out
}

// tokenSecretsFor lists the token Secrets of the spec's namespace that belong
// to a ServiceAccount, and the Secrets the ServiceAccount itself lists.
func tokenSecretsFor(ctx context.Context, f *framework.Framework, sa string) ([]string, error) {
	secrets, err := f.Admin.CoreV1().Secrets(f.Namespace).List(ctx, metav1.ListOptions{
		FieldSelector: "type=" + string(corev1.SecretTypeServiceAccountToken),
	})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range secrets.Items {
		if s.Annotations[corev1.ServiceAccountNameKey] == sa {
			names = append(names, s.Name)
		}
	}
	account, err := f.Admin.CoreV1().ServiceAccounts(f.Namespace).Get(ctx, sa, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	for _, ref := range account.Secrets {
		names = append(names, "listed by the ServiceAccount: "+ref.Name)
	}
	return names, nil
}
