package identity

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"rbac-e2e/e2e/framework/secrets"
)

// ServiceAccount tokens are signed RS256 (the kubeadm key) or ES256.
var tokenAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.ES256}

// Claims are the claims of a ServiceAccount token: the registered JWT claims
// and the private "kubernetes.io" claim of TokenRequest tokens. Legacy Secret
// tokens carry flat "kubernetes.io/serviceaccount/…" claims instead, and no exp.
type Claims struct {
	jwt.Claims
	Kubernetes *KubernetesClaims `json:"kubernetes.io,omitempty"`
}

// KubernetesClaims is the "kubernetes.io" claim: who the token is for and
// which object, if any, it is bound to.
type KubernetesClaims struct {
	Namespace      string     `json:"namespace"`
	ServiceAccount *ObjectRef `json:"serviceaccount,omitempty"`
	Pod            *ObjectRef `json:"pod,omitempty"`
	Secret         *ObjectRef `json:"secret,omitempty"`
	Node           *ObjectRef `json:"node,omitempty"`
}

// ObjectRef names an object in a token's claims.
type ObjectRef struct {
	Name string `json:"name"`
	UID  string `json:"uid"`
}

// Lifetime is exp − iat; zero when the token has no expiry.
func (c Claims) Lifetime() time.Duration {
	if c.Expiry == nil || c.IssuedAt == nil {
		return 0
	}
	return c.Expiry.Time().Sub(c.IssuedAt.Time())
}

// Token is a token decoded without verifying its signature: enough to read
// what the cluster put in it, never to trust it.
type Token struct {
	KeyID     string         // the "kid" header: which of the issuer's keys signed it
	Algorithm string         // the "alg" header
	Claims    Claims         // the claims the suite reads
	Raw       map[string]any // every claim as sent, for re-signing unchanged
}

// ParseToken decodes a compact JWS token with go-jose. It does not verify the
// signature: the apiserver does that, and the specs check what it answers.
// Every token parsed is tracked: specs parse the tokens they get from
// TokenRequest answers and Secrets.
func ParseToken(token string) (*Token, error) {
	secrets.Track(token)
	jws, err := jwt.ParseSigned(token, tokenAlgorithms)
	if err != nil {
		return nil, fmt.Errorf("parsing token: %w", err)
	}
	if len(jws.Headers) != 1 {
		return nil, fmt.Errorf("parsing token: %d signatures, want 1", len(jws.Headers))
	}
	t := &Token{KeyID: jws.Headers[0].KeyID, Algorithm: jws.Headers[0].Algorithm}
	if err := jws.UnsafeClaimsWithoutVerification(&t.Claims, &t.Raw); err != nil {
		return nil, fmt.Errorf("decoding token claims: %w", err)
	}
	return t, nil
}

// rawClaims copies the raw claims, so a re-signed token never shares maps
// with the token it came from.
func (t *Token) rawClaims() (map[string]any, error) {
	b, err := json.Marshal(t.Raw)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}
