package identity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"k8s.io/client-go/util/keyutil"

	"rbac-e2e/e2e/framework/secrets"
)

// ParseSigningKey reads a PEM private key such as the cluster's ServiceAccount
// signing key (/etc/kubernetes/pki/sa.key on a kubeadm control plane).
func ParseSigningKey(pemData []byte) (crypto.Signer, error) {
	secrets.Track(string(pemData))
	k, err := keyutil.ParsePrivateKeyPEM(pemData)
	if err != nil {
		return nil, fmt.Errorf("parsing signing key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("parsing signing key: %T cannot sign", k)
	}
	return signer, nil
}

// BackDated is a copy of the token whose iat, nbf and exp all lie d earlier,
// every other claim unchanged.
func (t *Token) BackDated(d time.Duration) (*Token, error) {
	raw, err := t.rawClaims()
	if err != nil {
		return nil, err
	}
	out := *t
	out.Raw = raw
	for name, date := range map[string]**jwt.NumericDate{"iat": &out.Claims.IssuedAt, "nbf": &out.Claims.NotBefore, "exp": &out.Claims.Expiry} {
		if *date == nil {
			continue
		}
		moved := jwt.NewNumericDate((*date).Time().Add(-d))
		*date = moved
		raw[name] = int64(*moved)
	}
	return &out, nil
}

// SignedWith signs the token's claims with key (RS256 for an RSA key, ES256
// for a P-256 key), keeping its "kid" header, and returns the compact token.
// Signed with the cluster's key it is a token the cluster could have issued;
// signed with any other key it is a forgery.
func (t *Token) SignedWith(key crypto.Signer) (string, error) {
	var alg jose.SignatureAlgorithm
	switch key.(type) {
	case *rsa.PrivateKey:
		alg = jose.RS256
	case *ecdsa.PrivateKey:
		alg = jose.ES256
	default:
		return "", fmt.Errorf("signing token: unsupported key type %T", key)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: t.KeyID}}, nil)
	if err != nil {
		return "", fmt.Errorf("signing token: %w", err)
	}
	raw, err := t.rawClaims()
	if err != nil {
		return "", err
	}
	s, err := jwt.Signed(signer).Claims(raw).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing token: %w", err)
	}
	secrets.Track(s)
	return s, nil
}
