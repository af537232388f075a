package identity_test

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"rbac-e2e/e2e/framework/identity"
)

func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// issue signs claims the way the apiserver does: RS256 with a kid header.
func issue(t *testing.T, key *rsa.PrivateKey, claims any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "kid-1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var issued = time.Unix(1_800_000_000, 0)

func tokenRequestClaims() map[string]any {
	return map[string]any{
		"iss": "https://kubernetes.default.svc.cluster.local", "sub": "system:serviceaccount:ns-1:sa",
		"aud": []string{"https://kubernetes.default.svc.cluster.local"},
		"iat": issued.Unix(), "nbf": issued.Unix(), "exp": issued.Add(time.Hour).Unix(), "jti": "id-1",
		"kubernetes.io": map[string]any{
			"namespace":      "ns-1",
			"serviceaccount": map[string]any{"name": "sa", "uid": "uid-1"},
		},
	}
}

func TestParseToken(t *testing.T) {
	tok, err := identity.ParseToken(issue(t, newKey(t), tokenRequestClaims()))
	if err != nil {
		t.Fatal(err)
	}
	c := tok.Claims
	switch {
	case tok.KeyID != "kid-1" || tok.Algorithm != "RS256":
		t.Errorf("header kid=%q alg=%q", tok.KeyID, tok.Algorithm)
	case c.Issuer != "https://kubernetes.default.svc.cluster.local" || c.Subject != "system:serviceaccount:ns-1:sa":
		t.Errorf("iss=%q sub=%q", c.Issuer, c.Subject)
	case len(c.Audience) != 1 || c.Lifetime() != time.Hour:
		t.Errorf("aud=%q lifetime=%s", c.Audience, c.Lifetime())
	case c.Kubernetes == nil || c.Kubernetes.Namespace != "ns-1" || c.Kubernetes.ServiceAccount == nil ||
		*c.Kubernetes.ServiceAccount != (identity.ObjectRef{Name: "sa", UID: "uid-1"}):
		t.Errorf("kubernetes.io claim = %+v", c.Kubernetes)
	}
}

func TestParseTokenRejectsGarbage(t *testing.T) {
	for _, bad := range []string{"", "not-a-token", "a.b.c"} {
		if _, err := identity.ParseToken(bad); err == nil {
			t.Errorf("ParseToken(%q) succeeded", bad)
		}
	}
}

func TestBackDatedAndSignedWith(t *testing.T) {
	orig, err := identity.ParseToken(issue(t, newKey(t), tokenRequestClaims()))
	if err != nil {
		t.Fatal(err)
	}
	back, err := orig.BackDated(2 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	signed, err := back.SignedWith(key)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := jwt.ParseSigned(signed, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var got identity.Claims
	var raw map[string]any
	if err := jws.Claims(&key.PublicKey, &got, &raw); err != nil {
		t.Fatalf("the re-signed token does not verify with the signing key: %v", err)
	}
	if jws.Headers[0].KeyID != "kid-1" {
		t.Errorf("kid = %q, want the original's", jws.Headers[0].KeyID)
	}
	if want := issued.Add(-time.Hour); !got.Expiry.Time().Equal(want) || !got.IssuedAt.Time().Equal(issued.Add(-2*time.Hour)) {
		t.Errorf("exp=%s iat=%s, want both 2h earlier", got.Expiry.Time(), got.IssuedAt.Time())
	}
	if got.ID != "id-1" || got.Kubernetes.ServiceAccount.UID != "uid-1" || got.Lifetime() != time.Hour {
		t.Errorf("claims other than the dates changed: %+v", got)
	}
	if !orig.Claims.Expiry.Time().Equal(issued.Add(time.Hour)) || orig.Raw["exp"].(float64) != float64(issued.Add(time.Hour).Unix()) {
		t.Error("BackDated changed the original token")
	}
}

func TestParseSigningKey(t *testing.T) {
	if _, err := identity.ParseSigningKey([]byte("-----BEGIN NOTHING-----\n-----END NOTHING-----\n")); err == nil {
		t.Error("ParseSigningKey accepted a PEM without a key")
	}
}
