package e2e

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/restricted"
)

var _ = Describe("ServiceAccount tokens: revocation", Label("authn"), func() {
	f := framework.New("authn", environment)
	discovery := access.Get("/api")

	// AUTHN-6: a legacy token Secret is filled by the token controller
	// (token, ca.crt, namespace) and its token works; deleting the Secret
	// revokes the token within the apiserver's token cache bound.
	It("AUTHN-6: the token of a deleted token Secret is refused", Label("AUTHN-6"), longSpecs(50), func(ctx SpecContext) {
		f.CreateServiceAccount(ctx, "legacy")
		secret, token := f.CreateTokenSecret(ctx, "legacy")
		// Only the namespace goes to the matcher: Secret data as a whole holds the token.
		Expect(string(secret.Data[corev1.ServiceAccountNamespaceKey])).To(Equal(f.Namespace), "key %q of token Secret %s/%s", corev1.ServiceAccountNamespaceKey, secret.Namespace, secret.Name)
		f.ExpectAccess(ctx, token, discovery, access.Status(200))

		deleteSecret(ctx, f, secret.Name)
		f.EventuallyAccess(ctx, f.Timeouts.Revocation, token, discovery, access.Unauthorized())
	})

	// AUTHN-8: a TokenRequest token bound to a Secret or a Pod dies with that
	// object, and stays dead when an object of the same name comes back: the
	// token names the object's UID, not only its name. The token is proven
	// good, and then refused, by a TokenReview beside the apiserver's token
	// cache (AUTHN-6 shows that cache's bound); once the authenticator
	// refuses it, both channels must get 401 at once.
	It("AUTHN-8: a token bound to a Secret is refused once the Secret is deleted, even if recreated", Label("AUTHN-8"), func(ctx SpecContext) {
		f.CreateServiceAccount(ctx, "bound")
		anchor := createSecret(ctx, f, "anchor")
		token := f.TokenFor(ctx, "bound", identity.BoundTo("Secret", anchor.Name, string(anchor.UID)))
		expectBoundTo(token, func(c *identity.KubernetesClaims) *identity.ObjectRef { return c.Secret }, anchor.ObjectMeta)
		f.ExpectTokenAccepted(ctx, token)

		deleteSecret(ctx, f, anchor.Name)
		f.EventuallyTokenRefused(ctx, token)
		f.ExpectAccess(ctx, token, discovery, access.Unauthorized())
		createSecret(ctx, f, anchor.Name)
		f.ConsistentlyAccess(ctx, afterRecreate(), token, discovery, access.Unauthorized())
	})

	It("AUTHN-8: a token bound to a Pod is refused once the Pod is deleted, even if recreated", Label("AUTHN-8"), func(ctx SpecContext) {
		f.CreateServiceAccount(ctx, "bound")
		anchor := createPod(ctx, f, "anchor", "bound")
		token := f.TokenFor(ctx, "bound", identity.BoundTo("Pod", anchor.Name, string(anchor.UID)))
		expectBoundTo(token, func(c *identity.KubernetesClaims) *identity.ObjectRef { return c.Pod }, anchor.ObjectMeta)
		f.ExpectTokenAccepted(ctx, token)

		deletePod(ctx, f, anchor.Name)
		f.EventuallyTokenRefused(ctx, token)
		f.ExpectAccess(ctx, token, discovery, access.Unauthorized())
		createPod(ctx, f, anchor.Name, "bound")
		f.ConsistentlyAccess(ctx, afterRecreate(), token, discovery, access.Unauthorized())
	})

	// AUTHN-9: deleting a ServiceAccount revokes every token it has, both
	// TokenRequest tokens and legacy Secret tokens (proven good and then
	// refused beside the token cache, as in AUTHN-8; then 401 on both
	// channels).
	It("AUTHN-9: deleting the ServiceAccount revokes its TokenRequest and Secret tokens", Label("AUTHN-9"), func(ctx SpecContext) {
		f.CreateServiceAccount(ctx, "doomed")
		_, secretToken := f.CreateTokenSecret(ctx, "doomed")
		requested := f.TokenFor(ctx, "doomed")
		f.ExpectTokenAccepted(ctx, secretToken)
		f.ExpectTokenAccepted(ctx, requested)

		Expect(f.Admin.CoreV1().ServiceAccounts(f.Namespace).Delete(ctx, "doomed", metav1.DeleteOptions{})).To(Succeed())
		for _, token := range []access.Subject{requested, secretToken} {
			f.EventuallyTokenRefused(ctx, token)
			f.ExpectAccess(ctx, token, discovery, access.Unauthorized())
		}
	})
})

// afterRecreate is how long AUTHN-8 watches a bound token stay refused once
// an object of the same name is back. The API server caches successful token
// authentications only (10 s), never refusals, and none was cached (the
// spec asked beside that cache until the refusal); so the one
// thing that can change the answer is the recreated object reaching the
// token authenticator's lookup, which reads the Secret or Pod through the API
// server's own informer cache (a watch event: milliseconds on kind, well
// under a second when loaded) and compares its UID with the token's claim.
// Until then the lookup says "not found", after it "UID mismatch": 3 s
// covers that hand-over with room, and with one check a second it is 3 or 4
// checks across it. Scaled like every bound, for slow clusters.
func afterRecreate() time.Duration { return timeouts.Scaled(3 * time.Second) }

// expectBoundTo checks that a token's claims name the object it is bound to.
func expectBoundTo(s access.Subject, ref func(*identity.KubernetesClaims) *identity.ObjectRef, obj metav1.ObjectMeta) {
	GinkgoHelper()
	tok, err := identity.ParseToken(s.BearerToken())
	Expect(err).NotTo(HaveOccurred())
	Expect(tok.Claims.Kubernetes).NotTo(BeNil(), "kubernetes.io claim")
	Expect(ref(tok.Claims.Kubernetes)).To(Equal(&identity.ObjectRef{Name: obj.Name, UID: string(obj.UID)}), "the bound object in the token's claims")
}

// createSecret makes a labelled Opaque Secret in the spec's namespace.
func createSecret(ctx context.Context, f *framework.Framework, name string) *corev1.Secret {
	GinkgoHelper()
	s, err := f.Admin.CoreV1().Secrets(f.Namespace).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: f.Env.ObjectLabels()},
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "creating Secret %s/%s", f.Namespace, name)
	return s
}

func deleteSecret(ctx context.Context, f *framework.Framework, name string) {
	GinkgoHelper()
	Expect(f.Admin.CoreV1().Secrets(f.Namespace).Delete(ctx, name, metav1.DeleteOptions{})).To(Succeed(), "deleting Secret %s/%s", f.Namespace, name)
}

// createPod makes a labelled Pod running as a ServiceAccount, from the pause
// image every kind node already holds (kind's sandbox image), with the
// settings Pod Security "restricted" requires: it never needs a registry,
// and nothing here needs it to run.
func createPod(ctx context.Context, f *framework.Framework, name, sa string) *corev1.Pod {
	GinkgoHelper()
	noToken, noGrace := false, int64(0)
	p, err := f.Admin.CoreV1().Pods(f.Namespace).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: f.Env.ObjectLabels()},
		Spec: corev1.PodSpec{
			ServiceAccountName:            sa,
			AutomountServiceAccountToken:  &noToken,
			TerminationGracePeriodSeconds: &noGrace,
			SecurityContext:               restricted.PodSecurityContext(),
			Containers: []corev1.Container{{
				Name: "pause", Image: restricted.PauseImage, ImagePullPolicy: corev1.PullNever,
				SecurityContext: restricted.ContainerSecurityContext(),
			}},
		},
	}, metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "creating Pod %s/%s", f.Namespace, name)
	return p
}

// deletePod deletes a Pod at once (grace period 0) and waits until it is gone,
// so a Pod of the same name can be created again.
func deletePod(ctx context.Context, f *framework.Framework, name string) {
	GinkgoHelper()
	pods, now := f.Admin.CoreV1().Pods(f.Namespace), int64(0)
	Expect(pods.Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &now})).To(Succeed(), "deleting Pod %s/%s", f.Namespace, name)
	Eventually(ctx, func(ctx context.Context) error {
		_, err := pods.Get(ctx, name, metav1.GetOptions{})
		return err
	}).WithTimeout(f.Timeouts.Revocation).WithPolling(f.Timeouts.Poll).Should(MatchError(ContainSubstring("not found")), "Pod %s/%s gone", f.Namespace, name)
}
